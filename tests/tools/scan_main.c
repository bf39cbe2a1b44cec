/* scan_main.c -- a tiny driver for `bleedwatch scan` while testing:
 * build/$(VARIANT)/tools/scan_main ARGS... == bleedwatch scan ARGS... */
#include "scan.h"

int main(int c, char **v) { return scan_main(c - 1, v + 1); }
