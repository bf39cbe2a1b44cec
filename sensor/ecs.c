/* ecs.c -- ECS field helpers. */
#include "ecs.h"
#include "community_id.h"
#include "decode.h"
#include "dissect.h"
#include "geoip.h"
#include "json.h"
#include "storage.h"
#include "txn.h"
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <time.h>

void ecs_timestamp(struct timeval tv, char *buf, size_t cap)
{
    struct tm tm;
    time_t s = tv.tv_sec;
    gmtime_r(&s, &tm);
    snprintf(buf, cap, "%04d-%02d-%02dT%02d:%02d:%02d.%06ldZ", tm.tm_year + 1900, tm.tm_mon + 1,
             tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, (long)tv.tv_usec);
}

void ecs_ip(int ip_version, const uint8_t *addr, char *buf, size_t cap)
{
    if (!inet_ntop(ip_version == 6 ? AF_INET6 : AF_INET, addr, buf, (socklen_t)cap))
        snprintf(buf, cap, "?");
}

void ecs_split_uri(struct bytes uri, struct bytes *host, struct bytes *path, struct bytes *query)
{
    *host = bytes_of(NULL, 0);
    struct bytes u = uri;
    /* absolute-form: scheme://authority/path?query */
    long sch = bytes_find(u, "://");
    if (sch > 0 && sch < 10) {
        size_t a = (size_t)sch + 3, e = a;
        while (e < u.len && u.p[e] != '/' && u.p[e] != '?') e++;
        *host = bytes_of(u.p + a, e - a);
        u = bytes_of(u.p + e, u.len - e);
    }
    size_t q = 0;
    while (q < u.len && u.p[q] != '?' && u.p[q] != '#') q++;
    *path = bytes_of(u.p, q);
    if (q < u.len && u.p[q] == '?') {
        size_t e = q + 1;
        while (e < u.len && u.p[e] != '#') e++;
        *query = bytes_of(u.p + q + 1, e - q - 1);
    } else {
        *query = bytes_of(NULL, 0);
    }
}

/* Strip ":port" from a host (keeping [v6] literals whole). */
static struct bytes strip_port(struct bytes h)
{
    if (h.len && h.p[0] == '[') {
        for (size_t i = 0; i < h.len; i++)
            if (h.p[i] == ']') return bytes_of(h.p + 1, i - 1);
        return h;
    }
    for (size_t i = h.len; i > 0; i--)
        if (h.p[i - 1] == ':') return bytes_of(h.p, i - 1);
    return h;
}

struct bytes ecs_url_domain(const struct http_txn *t)
{
    if (t->host.len) return strip_port(bytes_trim(t->host));
    struct bytes host, path, query;
    ecs_split_uri(t->uri, &host, &path, &query);
    return strip_port(host);
}

void ecs_community_id(const struct flow_view *fv, int client_dir, char *out, size_t cap)
{
    int c = client_dir ? 1 : 0;
    if (!community_id_v1(fv->ip_version, fv->l4proto, fv->addr[c], fv->addr[!c], fv->port[c], fv->port[!c], 0,
                         out, cap) && cap)
        out[0] = 0;
}

void ecs_endpoints(struct json *j, const struct flow_view *fv, int client_dir, const char *app_proto,
                   const struct geo_info *client_geo)
{
    char ip[64];
    int c = client_dir ? 1 : 0;
    json_key(j, "source");
    json_obj_open(j);
    ecs_ip(fv->ip_version, fv->addr[c], ip, sizeof ip);
    json_kv_cstr(j, "ip", ip);
    json_kv_u64(j, "port", fv->port[c]);
    if (client_geo) geoip_ecs(j, client_geo);
    json_obj_close(j);
    json_key(j, "destination");
    json_obj_open(j);
    ecs_ip(fv->ip_version, fv->addr[!c], ip, sizeof ip);
    json_kv_cstr(j, "ip", ip);
    json_kv_u64(j, "port", fv->port[!c]);
    json_obj_close(j);
    json_key(j, "network");
    json_obj_open(j);
    json_kv_cstr(j, "transport", fv->l4proto == IPPROTO_TCP ? "tcp" : fv->l4proto == IPPROTO_UDP ? "udp" : "other");
    if (app_proto) json_kv_cstr(j, "protocol", app_proto);
    json_kv_cstr(j, "type", fv->ip_version == 6 ? "ipv6" : "ipv4");
    ecs_community_id(fv, client_dir, ip, sizeof ip);
    if (ip[0]) json_kv_cstr(j, "community_id", ip);
    if (fv->vlan) {
        json_key(j, "vlan");
        json_obj_open(j);
        json_kv_u64(j, "id", fv->vlan);
        json_obj_close(j);
    }
    json_obj_close(j);
}

void ecs_tunnel(struct json *j, const struct flow_view *fv)
{
    if (fv->tunnel_type == TUN_NONE) return;
    json_key(j, "tunnel");
    json_obj_open(j);
    json_kv_cstr(j, "type", decode_tunnel_name((enum tunnel_type)fv->tunnel_type));
    json_kv_u64(j, "id", fv->tunnel_id);
    json_obj_close(j);
}

void ecs_kv(struct json *j, const char *key, struct bytes b)
{
    if (b.len) json_kv_str(j, key, (const char *)b.p, b.len);
}

void ecs_url(struct json *j, const struct http_txn *t)
{
    struct bytes uhost, path, query;
    ecs_split_uri(t->uri, &uhost, &path, &query);
    json_key(j, "url");
    json_obj_open(j);
    ecs_kv(j, "domain", ecs_url_domain(t));
    ecs_kv(j, "path", path);
    if (query.len) {
        char q[2048];
        size_t n = storage_redact_query(query, q, sizeof q);
        json_kv_str(j, "query", q, n < sizeof q ? n : sizeof q - 1);
    }
    json_obj_close(j);
}

struct bytes ecs_mime_type(const struct http_txn *t)
{
    size_t e = 0;
    while (e < t->content_type.len && t->content_type.p[e] != ';') e++;
    return bytes_trim(bytes_of(t->content_type.p, e));
}
