/* main.c -- bleedwatch: command line, capture loop, signals, exit status.
 *
 * Exit status: 0 done, 1 runtime failure, 2 usage error (unknown flag, bad
 * value, unreadable input, bad filter). Each error is one line on stderr.
 */
#include "capture.h"
#include "config.h"
#include "json.h"
#include "options.h"
#include "stats.h"
#include "pipeline.h"
#include "engine.h"
#include "worker.h"
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t g_stop, g_dump;
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

static void usage(FILE *f)
{
    fprintf(f,
        "usage: bleedwatch [options] -r FILE [-r FILE...] [BPF filter]\n"
        "       bleedwatch [options] -i IFACE [BPF filter]\n"
        "\n"
        "Passive sensor: finds storage and data APIs (Azure Blob, S3, GCS, Elasticsearch,\n"
        "CouchDB, ...) serving personal data to clients that presented no credential.\n"
        "Trailing arguments form a BPF filter, as with tcpdump.\n"
        "\noptions:\n");
    option_usage(f);
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

/* Build getopt_long's tables from the option table. */
static void build_getopt(struct option *longs, char *shorts, size_t shorts_cap)
{
    size_t k = 0, s = 0;
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
        if (argv[i][0] != '-') return NULL;   /* BPF filter begins */
        if (!strcmp(argv[i], "--")) return NULL;
        if ((!strcmp(argv[i], "-c") || !strcmp(argv[i], "--config")) && i + 1 < argc) return argv[i + 1];
        if (!strncmp(argv[i], "--config=", 9)) return argv[i] + 9;
    }
    return NULL;
}

static int parse_args(int argc, char **argv, struct config *cfg, char **bpf_owned)
{
    static struct option longs[64];
    static char shorts[128];
    build_getopt(longs, shorts, sizeof shorts);
    const char *cf = find_config_arg(argc, argv);
    if (cf) {
        char err[512];
        if (config_load_file(cfg, cf, err, sizeof err) < 0) {
            fprintf(stderr, "bleedwatch: %s\n", err);
            return 2;
        }
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
    return 0;
}

static uint64_t random_seed(void)
{
    uint64_t s = 0;
    if (getrandom(&s, sizeof s, 0) != sizeof s) s = (uint64_t)time(NULL) ^ (uint64_t)getpid() << 32;
    return s;
}

static void write_stats_file(const char *path, worker *const *w, unsigned n, const struct capture_totals *ct,
                             const struct sink_stats *ss)
{
    FILE *f = fopen(path, "w");
    if (!f) {
        fprintf(stderr, "bleedwatch: cannot write stats to %s: %s\n", path, strerror(errno));
        return;
    }
    struct json j;
    json_init(&j);
    stats_json(&j, w, n, ct, ss);
    json_newline(&j);
    fwrite(j.buf, 1, j.len, f);
    fclose(f);
    json_free(&j);
}

/* Every few seconds of wall time: the heartbeat hash in Redis. */
static void heartbeat(struct pipeline *pp, engine *e, const struct capture_totals *ct, bool force)
{
    static struct timespec last;
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    if (!pp->redis || (!force && now.tv_sec - last.tv_sec < 5)) return;
    last = now;
    unsigned n;
    worker *const *ws = engine_workers(e, &n);
    struct stats_summary sm;
    stats_summary(ws, n, &sm);
    struct sink_heartbeat hb = { .packets = sm.packets, .bytes = sm.bytes,
                                 .pcap_drops = ct->pcap_dropped + ct->pcap_ifdropped,
                                 .decode_errors = sm.decode_errors, .flows = sm.flows_active,
                                 .transactions = sm.transactions, .alerts = sm.alerts };
    sink_heartbeat(pp->redis, &hb);
}

/* Run one capture through the engine until it ends (or a stop signal). */
static int pump(capture *c, engine *e, struct pipeline *pp, struct capture_totals *ct)
{
    unsigned tick = 0;
    struct cap_frame fr;
    int dlt = capture_dlt(c);
    while (!g_stop) {
        enum cap_status st = capture_next(c, &fr);
        if (st == CAP_PACKET) {
            engine_packet(e, dlt, &fr);
        } else if (st == CAP_TIMEOUT) {
            /* live: nothing arrived; let time pass in the workers */
            struct timeval now;
            gettimeofday(&now, NULL);
            engine_tick(e, now);
        } else if (st == CAP_END) {
            return 0;
        } else {
            fprintf(stderr, "bleedwatch: %s: read stopped early: %s\n", capture_name(c), capture_error(c));
            ct->read_errors++;
            return -1;
        }
        if ((++tick & 4095) == 0 || st == CAP_TIMEOUT) {
            if (st == CAP_TIMEOUT) capture_drops(c, &ct->pcap_received, &ct->pcap_dropped, &ct->pcap_ifdropped);
            heartbeat(pp, e, ct, false);
        }
        if (g_dump) {
            g_dump = 0;
            unsigned n;
            worker *const *ws = engine_workers(e, &n);
            capture_drops(c, &ct->pcap_received, &ct->pcap_dropped, &ct->pcap_ifdropped);
            stats_print(stderr, ws, n, ct);
        }
    }
    return 0;
}

static int run(struct config *cfgp);

int main(int argc, char **argv)
{
    struct config cfg;
    config_defaults(&cfg);
    char *bpf_owned = NULL;
    int rc = parse_args(argc, argv, &cfg, &bpf_owned);
    if (!rc) rc = run(&cfg);
    free(bpf_owned);
    config_release(&cfg);
    return rc;
}

static int run(struct config *cfgp)
{
    struct config cfg = *cfgp;
    int rc = 0;

    /* Open every input first: a typo fails fast, before any output is written. */
    capture *caps[CFG_MAX_INPUTS] = { 0 };
    unsigned n_caps = 0;
    char err[512];
    if (cfg.iface) {
        if (!(caps[0] = capture_open_live(cfg.iface, &cfg, err, sizeof err))) {
            fprintf(stderr, "bleedwatch: %s\n", err);
            return 2;
        }
        n_caps = 1;
        g_live = caps[0];
    } else {
        unsigned stdin_uses = 0;
        for (unsigned i = 0; i < cfg.n_inputs; i++) {
            if (strcmp(cfg.inputs[i], "-") == 0 && ++stdin_uses > 1) {
                fprintf(stderr, "bleedwatch: '-r -' (stdin) can be given only once\n");
                rc = 2;
                break;
            }
            if (!(caps[n_caps] = capture_open_file(cfg.inputs[i], cfg.bpf, err, sizeof err))) {
                fprintf(stderr, "bleedwatch: %s\n", err);
                rc = 2;
                break;
            }
            n_caps++;
        }
        if (rc) {
            for (unsigned i = 0; i < n_caps; i++) capture_close(caps[i]);
            return rc;
        }
    }

    struct pipeline pipe;
    char note[512];
    if (pipeline_build(&pipe, &cfg, err, sizeof err, note, sizeof note) < 0) {
        fprintf(stderr, "bleedwatch: %s\n", err);
        pipeline_free(&pipe);
        for (unsigned i = 0; i < n_caps; i++) capture_close(caps[i]);
        return 2;
    }
    if (note[0]) fprintf(stderr, "bleedwatch: %s\n", note);

    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_stop;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sa.sa_handler = on_usr1;
    sigaction(SIGUSR1, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);

    unsigned nw = cfg.workers;
    if (!nw) {
        long cores = sysconf(_SC_NPROCESSORS_ONLN);
        nw = cores > 1 ? (unsigned)cores - 1 : 1;
    }
    engine *e = engine_new(&pipe, nw, cfg.ring_size, random_seed());
    struct capture_totals ct = { .files = n_caps };
    for (unsigned i = 0; i < n_caps && !g_stop; i++) {
        if (!decode_link_supported(capture_dlt(caps[i])))
            fprintf(stderr, "bleedwatch: %s: link type %d is not decoded; its packets are counted only\n",
                    capture_name(caps[i]), capture_dlt(caps[i]));
        engine_begin_input(e, cfg.iface ? NULL : capture_name(caps[i]));
        pump(caps[i], e, &pipe, &ct);
        if (cfg.iface) capture_drops(caps[i], &ct.pcap_received, &ct.pcap_dropped, &ct.pcap_ifdropped);
        /* inputs are separate captures: their flows end with them */
        engine_end_input(e);
    }
    g_live = NULL;
    engine_stop(e);
    heartbeat(&pipe, e, &ct, true);
    struct sink_stats ss;
    bool have_sink = pipe.redis != NULL;
    pipeline_close_sink(&pipe, &ss);   /* drains: every alert in Redis or the spool */
    unsigned n_w;
    worker *const *ws = engine_workers(e, &n_w);
    if (!cfg.quiet) {
        stats_print(stderr, ws, n_w, &ct);
        if (have_sink) stats_print_sink(stderr, &ss);
    }
    if (cfg.stats_file) write_stats_file(cfg.stats_file, ws, n_w, &ct, have_sink ? &ss : NULL);
    engine_free(e);
    pipeline_free(&pipe);
    for (unsigned i = 0; i < n_caps; i++) capture_close(caps[i]);
    return 0;
}
