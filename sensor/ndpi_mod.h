/* ndpi_mod.h -- the workers' nDPI detection modules.
 *
 * A module takes tens of ms to build, most of it nDPI's allocations, so they
 * are built ahead, one after the other, on a thread of their own (nDPI's
 * set-up touches process-wide state without a lock), from a memory region of
 * their own. No globals of the caller's; the module's own are behind a lock.
 */
#ifndef BW_NDPI_MOD_H
#define BW_NDPI_MOD_H

struct ndpi_detection_module_struct;

/* Start building n modules (workers 0..n-1) on a thread of their own, so
 * that they are ready by the time the rest of the set-up (inputs,
 * Hyperscan, outputs) is done. */
void ndpi_mod_prepare(unsigned n);
/* Worker index's module: the one built ahead for it (waiting for it if need
 * be), or one built now when none was prepared. NULL on failure. */
struct ndpi_detection_module_struct *ndpi_mod_take(unsigned index);
/* Free a module a worker took (NULL is a no-op). */
void ndpi_mod_free(struct ndpi_detection_module_struct *m);
/* At the end of a run, once every worker has freed its module: join the
 * building thread, free the modules no worker took, give the region back. */
void ndpi_mod_release(void);

#endif
