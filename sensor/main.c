/* main.c -- bleedwatch: command line, capture loop, signals, exit status.
 *
 * Exit status: 0 done, 1 runtime failure, 2 usage error (unknown flag, bad
 * value, unreadable input, bad filter). Each error is one line on stderr.
 */
#include "capture.h"
#include "daemon.h"
#include "log.h"
#include "merge.h"
#include "config.h"
#include "json.h"
#include "options.h"
#include "report.h"
#include "scan.h"
#include "stats.h"
#include "pipeline.h"
#include "engine.h"
#include "worker.h"
#include "ndpi_mod.h"
#include "limits.h"
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <inttypes.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t g_stop, g_dump, g_hup;
static capture *volatile g_live;

static void on_stop(int sig)
{
    (void)sig;
    g_stop = 1;
    if (g_live) capture_break(g_live);
}

static void on_usr1(int sig)
{
    (void)sig;
    g_dump = 1;
}

static void on_hup(int sig)
{
    (void)sig;
    g_hup = 1;
}

/* The default --workers on this many usable cores, at most LIM_WORKERS_MAX:
 * one core left for the capture thread (live, and offline where one thread
 * reads for all: at least 1 worker), or every core where the workers read the
 * files themselves (offline: no capture thread to leave a core for). */
static unsigned default_workers(unsigned cores, bool capture_thread)
{
    unsigned n = capture_thread && cores > 1 ? cores - 1 : cores ? cores : 1;
    return n < LIM_WORKERS_MAX ? n : LIM_WORKERS_MAX;
}

/* Nothing in the options keeps the workers from reading the files
 * themselves (use_readers decides once the inputs are open). */
static bool may_use_readers(const struct config *cfg)
{
    return !cfg->iface && !cfg->pace && !cfg->capture_thread && !cfg->user;
}

static void usage(FILE *f)
{
    fprintf(f,
        "usage: bleedwatch [options] -r FILE [-r FILE...] [BPF filter]\n"
        "       bleedwatch [options] -i IFACE [BPF filter]\n"
        "       bleedwatch scan [--type T] FILE... | -   (PII engine on files; scan --help)\n"
        "       bleedwatch report [--redis URL] [--alerts FILE] [--format text|json|html]  (report --help)\n"
        "\n"
        "Passive sensor: finds storage and data APIs (Azure Blob, S3, GCS, Elasticsearch,\n"
        "CouchDB, ...) serving personal data to clients that presented no credential.\n"
        "Trailing arguments form a BPF filter, as with tcpdump.\n"
        "\noptions:\n");
    option_usage(f);
    unsigned cores = daemon_usable_cores();
    fprintf(f, "\nhere: %u usable core%s, so --workers defaults to %u reading files, %u live or with a capture thread\n",
            cores, cores > 1 ? "s" : "", default_workers(cores, false), default_workers(cores, true));
    fprintf(f, "\nexit status: 0 ok, 1 runtime error, 2 usage error\n");
}

static int die_usage(const char *fmt, const char *a, const char *b)
{
    fprintf(stderr, "bleedwatch: ");
    fprintf(stderr, fmt, a, b);
    fprintf(stderr, " (see bleedwatch --help)\n");
    return 2;
}

/* Join trailing arguments into one filter string (owned by the caller). */
static char *join_args(int argc, char **argv)
{
    size_t n = 1;
    for (int i = 0; i < argc; i++) n += strlen(argv[i]) + 1;
    char *s = calloc(1, n);
    if (!s) abort();
    for (int i = 0; i < argc; i++) {
        if (i) strcat(s, " ");
        strcat(s, argv[i]);
    }
    return s;
}

/* Build getopt_long's tables from the option table. longs has room for
 * longs_cap entries including the terminating zero entry. */
static void build_getopt(struct option *longs, size_t longs_cap, char *shorts, size_t shorts_cap)
{
    size_t k = 0, s = 0;
    size_t n = 0;
    while (option_table[n].name) n++;
    if (n + 1 > longs_cap) {   /* a programmer error: the table outgrew main's array */
        fprintf(stderr, "bleedwatch: internal: %zu options, room for %zu\n", n, longs_cap - 1);
        abort();
    }
    shorts[s++] = '+';   /* stop at the first non-option: the BPF filter */
    for (const struct option_def *o = option_table; o->name; o++, k++) {
        bool arg = o->type != OPT_BOOL && o->type != OPT_ACTION;
        longs[k].name = o->name;
        longs[k].has_arg = arg ? required_argument : no_argument;
        longs[k].flag = NULL;
        longs[k].val = 256 + (int)k;
        if (o->short_name && s + 3 < shorts_cap) {
            shorts[s++] = o->short_name;
            if (arg) shorts[s++] = ':';
        }
    }
    shorts[s] = 0;
    memset(&longs[k], 0, sizeof longs[k]);
}

/* Find -c FILE / --config FILE / --config=FILE before the other options, so the
 * file is applied first and the command line overrides it. */
static const char *find_config_arg(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (a[0] != '-' || !a[1]) return NULL;   /* BPF filter (or "-") begins */
        if (!strcmp(a, "--")) return NULL;
        if ((!strcmp(a, "-c") || !strcmp(a, "--config")) && i + 1 < argc) return argv[i + 1];
        if (!strncmp(a, "--config=", 9)) return a + 9;
        /* skip the value of an option that takes one */
        const struct option_def *o = NULL;
        if (a[1] == '-') {
            if (!strchr(a, '=')) o = option_find(a + 2);
        } else if (!a[2]) {
            o = option_find_short(a[1]);
        }
        if (o && o->type != OPT_BOOL && o->type != OPT_ACTION) i++;
    }
    return NULL;
}

static int parse_args(int argc, char **argv, struct config *cfg, char **bpf_owned)
{
    static struct option longs[256];
    static char shorts[128];
    build_getopt(longs, sizeof longs / sizeof longs[0], shorts, sizeof shorts);
    const char *cf = find_config_arg(argc, argv);
    if (cf) {
        char err[512];
        if (config_load_file(cfg, cf, err, sizeof err) < 0) {
            fprintf(stderr, "bleedwatch: %s\n", err);
            return 2;
        }
        cfg->config_file = cf;   /* SIGHUP re-reads it */
    }
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, shorts, longs, NULL)) != -1) {
        const struct option_def *o = NULL;
        if (c >= 256) o = &option_table[c - 256];
        else if (c != '?' && c != ':') o = option_find_short((char)c);
        if (!o) {
            if (optopt && optopt < 256)
                return die_usage("unknown or incomplete option '-%s'%s", (char[]){ (char)optopt, 0 }, "");
            return die_usage("unknown or incomplete option '%s'%s", argv[optind - 1], "");
        }
        if (strcmp(o->name, "help") == 0) { usage(stdout); exit(0); }
        if (strcmp(o->name, "version") == 0) { printf("bleedwatch %s\n", BW_VERSION); exit(0); }
        if (o->type == OPT_STR && strcmp(o->name, "config") == 0) continue;   /* applied first */
        char err[256];
        if (option_apply(cfg, o, optarg, err, sizeof err) < 0) return die_usage("%s%s", err, "");
    }
    if (optind < argc) {
        *bpf_owned = join_args(argc - optind, argv + optind);
        cfg->bpf = *bpf_owned;
    }
    if (!cfg->n_inputs && !cfg->iface) return die_usage("nothing to read: give -r FILE or -i IFACE%s%s", "", "");
    if (cfg->n_inputs && cfg->iface) return die_usage("give either -r or -i, not both%s%s", "", "");
    if (!cfg->max_flows) return die_usage("--max-flows must be at least 1%s%s", "", "");
    if (cfg->iface && cfg->snaplen < 64) return die_usage("--snaplen must be at least 64%s%s", "", "");
    if (cfg->fanout && !cfg->iface) return die_usage("--fanout is for live capture (-i IFACE)%s%s", "", "");
    return 0;
}

#define READERS_MAX_INPUTS 64

/* Offline with several workers, each reads the inputs itself (see
 * engine_new_readers) when they can be opened again (files, not stdin, no
 * --user) and no pacing asks for one clock; --capture-thread keeps the one
 * reader. */
static bool use_readers(const struct config *cfg, unsigned nw, capture *const *caps, unsigned n)
{
    /* --user: the workers would open the files after the privileges are
     * dropped (the capture thread reads what the run opened before) */
    if (!may_use_readers(cfg) || nw < 2) return false;
    /* each worker holds every input open (a descriptor and its read buffer):
     * a directory of many files keeps the one reader */
    struct rlimit rl;
    if (n > READERS_MAX_INPUTS ||
        (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY && (uint64_t)(nw + 1) * n + 64 > rl.rlim_cur))
        return false;
    for (unsigned i = 0; i < n; i++)
        if (capture_file_size(caps[i]) < 0) return false;
    return true;
}

/* --workers, or the default (default_workers): every usable core where the
 * workers may read the files themselves, else one fewer, at least 1. */
static unsigned worker_count(const struct config *cfg)
{
    return cfg->workers ? cfg->workers : default_workers(daemon_usable_cores(), !may_use_readers(cfg));
}

static uint64_t random_seed(void)
{
    uint64_t s = 0;
    if (getrandom(&s, sizeof s, 0) != sizeof s) s = (uint64_t)time(NULL) ^ (uint64_t)getpid() << 32;
    return s;
}

/* Everything a run holds, for the loop and the signal actions. */
struct run {
    struct config *cfg;
    struct pipeline pipe;
    engine *e;
    struct capture_totals ct;
    struct timespec last_beat;
    /* pacing (--pace): wall time and packet time of the first packet */
    bool paced;
    struct timespec pace_wall0;
    double pace_pkt0;
};

static void print_stats(struct run *r, const struct sink_stats *ss)
{
    unsigned n;
    worker *const *ws = engine_workers(r->e, &n);
    char *text = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&text, &len);
    if (!m) return;
    stats_print(m, ws, n, &r->ct);
    if (ss) stats_print_sink(m, ss);
    fclose(m);
    log_text(LOG_INFO, text);
    free(text);
}

static void write_stats_file(struct run *r, const struct sink_stats *ss)
{
    /* 0640 like the other outputs (less the umask): counters only, but not for everyone. */
    int fd = open(r->cfg->stats_file, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
    FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
    if (!f) {
        if (fd >= 0) close(fd);
        log_msg(LOG_ERR, "cannot write stats to %s: %s", r->cfg->stats_file, strerror(errno));
        return;
    }
    unsigned n;
    worker *const *ws = engine_workers(r->e, &n);
    struct json j;
    json_init(&j);
    stats_json(&j, ws, n, &r->ct, ss);
    json_newline(&j);
    fwrite(j.buf, 1, j.len, f);
    fclose(f);
    json_free(&j);
}

/* Every few seconds of wall time: the heartbeat hash in Redis. */
static void heartbeat(struct run *r, bool force)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    if (!r->pipe.redis || (!force && now.tv_sec - r->last_beat.tv_sec < 5)) return;
    r->last_beat = now;
    unsigned n;
    worker *const *ws = engine_workers(r->e, &n);
    struct stats_summary sm;
    stats_summary(ws, n, &sm);
    struct sink_heartbeat hb = { .packets = sm.packets, .bytes = sm.bytes,
                                 .pcap_drops = r->ct.pcap_dropped + r->ct.pcap_ifdropped,
                                 .decode_errors = sm.decode_errors, .flows = sm.flows_active,
                                 .transactions = sm.transactions, .alerts = sm.alerts,
                                 .caps_hit = sm.caps_hit,
                                 .truncated_packets = sm.truncated_packets, .gap_bytes_loss = sm.gap_bytes_loss,
                                 .gap_bytes_snaplen = sm.gap_bytes_snaplen };
    sink_heartbeat(r->pipe.redis, &hb);
}

/* SIGHUP: reopen the output files (log rotation) and re-read the config
 * file's reloadable keys. */
static void reload(struct run *r)
{
    char err[512];
    if (r->pipe.transactions && jsonl_reopen(r->pipe.transactions, err, sizeof err) < 0)
        log_msg(LOG_ERR, "SIGHUP: %s", err);
    if (r->pipe.alerts && jsonl_reopen(r->pipe.alerts, err, sizeof err) < 0) log_msg(LOG_ERR, "SIGHUP: %s", err);
    if (!r->cfg->config_file) {
        log_msg(LOG_INFO, "SIGHUP: outputs reopened");
        return;
    }
    struct config fresh;
    config_defaults(&fresh);
    if (config_load_file(&fresh, r->cfg->config_file, err, sizeof err) < 0) {
        log_msg(LOG_ERR, "SIGHUP: config not reloaded: %s", err);
    } else if (pipeline_reload(&r->pipe, &fresh, err, sizeof err) < 0) {
        log_msg(LOG_ERR, "SIGHUP: config not reloaded: %s", err);
    } else {
        log_msg(LOG_INFO, "SIGHUP: outputs reopened, %s reloaded (public-ok, home-net, alert thresholds; "
                          "other keys need a restart)", r->cfg->config_file);
    }
    config_release(&fresh);
}

/* --pace: hold a packet back until its time, relative to the first one. */
static void pace(struct run *r, struct timeval ts)
{
    double t = (double)ts.tv_sec + (double)ts.tv_usec / 1e6;
    if (!r->paced) {
        r->paced = true;
        r->pace_pkt0 = t;
        clock_gettime(CLOCK_MONOTONIC, &r->pace_wall0);
        return;
    }
    double due = (t - r->pace_pkt0) / r->cfg->pace;
    for (;;) {
        struct timespec now;
        clock_gettime(CLOCK_MONOTONIC, &now);
        double el = (double)(now.tv_sec - r->pace_wall0.tv_sec) + (double)(now.tv_nsec - r->pace_wall0.tv_nsec) / 1e9;
        if (el >= due || g_stop) return;
        double wait = due - el;
        if (wait > 0.1) wait = 0.1;   /* stay responsive to signals and timers */
        struct timespec sl = { (time_t)wait, (long)((wait - (double)(time_t)wait) * 1e9) };
        nanosleep(&sl, NULL);
        heartbeat(r, false);
    }
}

/* Between packets, every 4096 of them or on a live read timeout: drop
 * counters, the heartbeat, and the SIGUSR1/SIGHUP actions. */
static void housekeeping(struct run *r, capture *live)
{
    if (live) capture_drops(live, &r->ct.pcap_received, &r->ct.pcap_dropped, &r->ct.pcap_ifdropped);
    else engine_capture_drops(r->e, &r->ct.pcap_received, &r->ct.pcap_dropped, &r->ct.pcap_ifdropped);   /* fanout */
    heartbeat(r, false);
    if (g_dump) {
        g_dump = 0;
        print_stats(r, NULL);
    }
    if (g_hup) {
        g_hup = 0;
        reload(r);
    }
}

/* The next frame of one input: true with s->fr set; false at its end (or a
 * stop signal, or a read error, counted). A live capture waits here, letting
 * time pass in the workers while nothing arrives. */
static bool next_frame(void *ctx, struct merge_src *s)
{
    struct run *r = ctx;
    while (!g_stop) {
        enum cap_status st = capture_next(s->c, &s->fr);
        if (st == CAP_PACKET) return true;
        if (st == CAP_END || st == CAP_ERROR) {
            if (capture_end_said(s->c, st)) r->ct.read_errors++;
            return false;
        }
        struct timeval now;
        gettimeofday(&now, NULL);
        engine_tick(r->e, now);
        housekeeping(r, s->c);
    }
    return false;
}

/* Run n inputs through the engine as one stream, in packet-time order (see
 * merge.h), until all end or a stop signal. */
static void pump(struct run *r, capture **caps, unsigned n, capture *live)
{
    struct merge m;
    merge_init(&m, caps, n, next_frame, r);
    unsigned tick = 0;
    struct merge_src *t;
    while ((t = merge_top(&m)) && !g_stop) {
        if (r->cfg->pace) pace(r, t->fr.ts);
        engine_packet(r->e, &t->fr);
        merge_pop(&m);
        if ((++tick & 4095) == 0 || g_dump || g_hup) housekeeping(r, live);
    }
    merge_free(&m);
}

static int run(struct config *cfg);

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "scan") == 0) return scan_main(argc - 1, argv + 1);
    if (argc > 1 && strcmp(argv[1], "report") == 0) return report_main(argc - 1, argv + 1);
    struct config cfg;
    config_defaults(&cfg);
    char *bpf_owned = NULL;
    int rc = parse_args(argc, argv, &cfg, &bpf_owned);
    if (!rc) rc = run(&cfg);
    free(bpf_owned);
    config_release(&cfg);
    return rc;
}

static int visible_entry(const struct dirent *d) { return d->d_name[0] != '.'; }

static void inputs_add(capture ***v, unsigned *n, unsigned *cap, capture *c)
{
    if (*n == *cap) {
        *cap = *cap ? 2 * *cap : 16;
        *v = realloc(*v, *cap * sizeof **v);
        if (!*v) abort();
    }
    (*v)[(*n)++] = c;
}

/* A directory given to -r: every capture file in it, in name order (what
 * tcpdump -G/-C and dumpcap ring buffers write), not recursing. Files that
 * are not captures are skipped with a warning, and counted. */
static int open_dir(const struct config *cfg, const char *dir, capture ***v, unsigned *n, unsigned *cap,
                    struct capture_totals *ct)
{
    struct dirent **names;
    int k = scandir(dir, &names, visible_entry, alphasort);
    if (k < 0) {
        log_msg(LOG_ERR, "cannot read directory %s: %s", dir, strerror(errno));
        return 2;
    }
    unsigned before = *n;
    char err[512];
    for (int i = 0; i < k; i++) {
        char path[4096];
        struct stat st;
        int len = snprintf(path, sizeof path, "%s/%s", dir, names[i]->d_name);
        free(names[i]);
        if (len < 0 || (size_t)len >= sizeof path || stat(path, &st) < 0 || !S_ISREG(st.st_mode)) continue;
        capture *c = capture_open_file(path, cfg->bpf, err, sizeof err);
        if (c) {
            inputs_add(v, n, cap, c);
        } else {
            log_msg(LOG_WARNING, "skipping %s", err);
            ct->files_skipped++;
        }
    }
    free(names);
    if (*n == before) {
        log_msg(LOG_ERR, "no capture file in directory %s", dir);
        return 2;
    }
    return 0;
}

/* Lift the open-files limit to its hard maximum: one descriptor per input. */
static void raise_nofile(void)
{
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
        rl.rlim_cur = rl.rlim_max;
        setrlimit(RLIMIT_NOFILE, &rl);
    }
}

/* Open every input (a directory: its capture files). *v is allocated. */
static int open_inputs(const struct config *cfg, capture ***v, unsigned *n, struct capture_totals *ct)
{
    char err[512];
    unsigned cap = 0;
    *v = NULL;
    *n = 0;
    if (cfg->iface) {
        /* --fanout: a socket per worker, the kernel buffer shared out */
        unsigned sockets = cfg->fanout ? worker_count(cfg) : 1, group = 0;
        struct config one = *cfg;
        one.buffer_size = cfg->buffer_size / sockets > (1u << 20) ? cfg->buffer_size / sockets : 1u << 20;
        for (unsigned i = 0; i < sockets; i++) {
            capture *c = capture_open_live(cfg->iface, &one, err, sizeof err);
            if (c) inputs_add(v, n, &cap, c);
            if (!c || (cfg->fanout && capture_fanout_join(c, &group, err, sizeof err) < 0)) {
                log_msg(LOG_ERR, "%s", err);
                return 2;
            }
        }
        return 0;
    }
    raise_nofile();
    unsigned stdin_uses = 0;
    for (unsigned i = 0; i < cfg->n_inputs; i++) {
        const char *path = cfg->inputs[i];
        struct stat st;
        if (strcmp(path, "-") == 0 && ++stdin_uses > 1) {
            log_msg(LOG_ERR, "'-r -' (stdin) can be given only once");
            return 2;
        }
        if (strcmp(path, "-") != 0 && stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
            int rc = open_dir(cfg, path, v, n, &cap, ct);
            if (rc) return rc;
            continue;
        }
        capture *c = capture_open_file(path, cfg->bpf, err, sizeof err);
        if (!c) {
            log_msg(LOG_ERR, "%s", err);
            return 2;
        }
        inputs_add(v, n, &cap, c);
    }
    return 0;
}

/* --fanout sees tunnelled packets: say once that the kernel's hash may
 * split their flows (it hashes the outer headers). True once said. */
static bool fanout_tunnels(engine *e)
{
    unsigned n;
    worker *const *ws = engine_workers(e, &n);
    uint64_t tun = 0;
    for (unsigned i = 0; i < n; i++)
        for (int t = TUN_NONE + 1; t < TUN__COUNT; t++) tun += worker_stats(ws[i])->tunnel[t];
    if (!tun) return false;
    log_msg(LOG_WARNING, "--fanout: %" PRIu64 " tunnelled packets (GRE/ERSPAN, VXLAN, MPLS...) seen; the kernel's "
                         "flow hash reads their outer headers and may split a flow between workers: run without "
                         "--fanout for this feed (the capture thread steers by the inner addresses)", tun);
    return true;
}

static int run(struct config *cfg)
{
    log_init(cfg->use_syslog);
    /* nDPI's set-up (tens of ms a worker) beside the rest of it */
    ndpi_mod_prepare(worker_count(cfg));
    /* Open every input first: a typo fails fast, before any output is written. */
    capture **caps = NULL;
    unsigned n_caps = 0;
    struct run r;
    memset(&r, 0, sizeof r);
    r.cfg = cfg;
    char err[512], note[1024];
    int rc = open_inputs(cfg, &caps, &n_caps, &r.ct);
    if (!rc && pipeline_build(&r.pipe, cfg, err, sizeof err, note, sizeof note) < 0) {
        log_msg(LOG_ERR, "%s", err);
        rc = 2;
    }
    if (!rc && note[0]) log_msg(LOG_INFO, "%s", note);
    if (!rc && cfg->pidfile && daemon_pidfile_write(cfg->pidfile, err, sizeof err) < 0) {
        log_msg(LOG_ERR, "%s", err);
        rc = 2;
    }
    if (!rc && cfg->user && daemon_drop_privileges(cfg->user, err, sizeof err) < 0) {
        log_msg(LOG_ERR, "%s", err);
        rc = 2;
    }
    if (rc) {
        pipeline_free(&r.pipe);
        for (unsigned i = 0; i < n_caps; i++) capture_close(caps[i]);
        free(caps);
        ndpi_mod_release();
        return rc;
    }
    if (cfg->iface && !cfg->fanout) g_live = caps[0];   /* fanout: the engine stops its workers' reading */

    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_stop;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sa.sa_handler = on_usr1;
    sigaction(SIGUSR1, &sa, NULL);
    sa.sa_handler = on_hup;
    sigaction(SIGHUP, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);

    unsigned nw = worker_count(cfg);
    bool readers = use_readers(cfg, nw, caps, n_caps);
    /* the default counted on the workers reading, but these inputs need the
     * capture thread (stdin, a pipe, more than 64 files): leave it its core */
    if (!readers && !cfg->workers && may_use_readers(cfg) && nw > 1) nw--;
    if (cfg->fanout) r.e = engine_new_fanout(&r.pipe, caps, n_caps, random_seed());
    else if (readers) r.e = engine_new_readers(&r.pipe, nw, random_seed(), caps, n_caps, !cfg->no_merge);
    else r.e = engine_new(&r.pipe, nw, cfg->ring_size, random_seed());
    r.ct.files = cfg->fanout ? 1 : n_caps;
    if (cfg->fanout)
        log_msg(LOG_INFO, "capturing on %s with %u worker%s, each reading its own socket (AF_PACKET fanout)",
                cfg->iface, nw, nw > 1 ? "s" : "");
    else if (cfg->iface)
        log_msg(LOG_INFO, "capturing on %s with %u worker%s", cfg->iface, nw, nw > 1 ? "s" : "");
    for (unsigned i = 0; i < n_caps; i++)
        if (!decode_link_supported(capture_dlt(caps[i])))
            log_msg(LOG_WARNING, "%s: link type %d is not decoded; its packets are counted only",
                    capture_name(caps[i]), capture_dlt(caps[i]));
    if (cfg->fanout) {
        /* the workers read; this thread keeps the heartbeat, SIGUSR1 and SIGHUP */
        bool warned = false;
        for (unsigned beat = 1; !g_stop && !engine_fanout_failed(r.e); beat++) {
            struct timespec ts = { 0, 100000000 };
            nanosleep(&ts, NULL);   /* a signal cuts it short */
            housekeeping(&r, NULL);
            if (beat % 20 == 0) warned = warned || fanout_tunnels(r.e);
        }
        if (engine_fanout_failed(r.e)) r.ct.read_errors++;
        engine_end_input(r.e);
        if (!warned) fanout_tunnels(r.e);
        engine_capture_drops(r.e, &r.ct.pcap_received, &r.ct.pcap_dropped, &r.ct.pcap_ifdropped);
    } else if (cfg->iface) {
        pump(&r, caps, 1, caps[0]);
        capture_drops(caps[0], &r.ct.pcap_received, &r.ct.pcap_dropped, &r.ct.pcap_ifdropped);
        engine_end_input(r.e);
    } else if (readers) {
        if (n_caps > 1 && !cfg->no_merge)
            log_msg(LOG_INFO, "reading %u inputs as one stream, in packet-time order", n_caps);
        /* the workers read; this thread keeps the heartbeat, SIGUSR1 and SIGHUP */
        while (!engine_readers_wait(r.e, 100)) {
            if (g_stop) engine_readers_stop(r.e);
            housekeeping(&r, NULL);
        }
        r.ct.read_errors += engine_read_errors(r.e);
        engine_end_input(r.e);
    } else if (!cfg->no_merge) {
        /* one stream: a flow may run from one file into the next */
        if (n_caps > 1) log_msg(LOG_INFO, "reading %u inputs as one stream, in packet-time order", n_caps);
        pump(&r, caps, n_caps, NULL);
        engine_end_input(r.e);
    } else {
        for (unsigned i = 0; i < n_caps && !g_stop; i++) {
            r.paced = false;
            pump(&r, &caps[i], 1, NULL);
            /* separate captures: their flows end with them, and their
             * packets are no copies of the next one's */
            engine_end_input(r.e);
        }
    }
    g_live = NULL;
    engine_stop(r.e);
    engine_counters(r.e, &r.ct.ring_waits, &r.ct.fragments_steered, &r.ct.fragments_held);
    heartbeat(&r, true);
    struct sink_stats ss;
    bool have_sink = r.pipe.redis != NULL;
    pipeline_close_sink(&r.pipe, &ss);   /* drains: every alert in Redis or the spool */
    if (!cfg->quiet) print_stats(&r, have_sink ? &ss : NULL);
    if (cfg->stats_file) write_stats_file(&r, have_sink ? &ss : NULL);
    engine_free(r.e);
    pipeline_free(&r.pipe);
    for (unsigned i = 0; i < n_caps; i++) capture_close(caps[i]);
    free(caps);
    daemon_pidfile_remove(cfg->pidfile);
    ndpi_mod_release();
    return 0;
}
