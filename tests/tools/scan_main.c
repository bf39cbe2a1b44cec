/* scan_main.c -- a tiny driver for `bleedwatch scan` while testing:
 *   build/$(VARIANT)/tools/scan_main [scan] ARGS...  ==  bleedwatch scan ARGS...
 * scan_main() takes argv[0] as the sub-command's name, so we hand it either
 * "scan" (when given) or our own program name in that slot. */
#include <string.h>

#include "scan.h"

int main(int c, char **v)
{
    if (c > 1 && strcmp(v[1], "scan") == 0) return scan_main(c - 1, v + 1);
    return scan_main(c, v);
}
