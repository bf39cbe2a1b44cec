/* ecs.h -- Elastic Common Schema pieces shared by the transaction log and alerts. */
#ifndef BW_ECS_H
#define BW_ECS_H

#include <stdint.h>
#include <sys/time.h>
#include "bytes.h"

struct json;
struct flow_view;
struct http_txn;

/* "2022-09-24T10:11:12.345678Z" into buf (at least 32 bytes). */
void ecs_timestamp(struct timeval tv, char *buf, size_t cap);

/* Text form of an address (ip_version 4 or 6) into buf (at least 46 bytes). */
void ecs_ip(int ip_version, const uint8_t *addr, char *buf, size_t cap);

/* Split a request-target into host (absolute-form only), path and query views. */
void ecs_split_uri(struct bytes uri, struct bytes *host, struct bytes *path, struct bytes *query);

/* The domain a request was for: Host header (port stripped) or absolute-form host. */
struct bytes ecs_url_domain(const struct http_txn *t);

/* Write "source", "destination" and "network" objects for a transaction of a
 * flow (source = the side that sent the request), with network.community_id
 * (Community ID v1, seed 0), and source.geo/source.as when client_geo is given. */
struct geo_info;
void ecs_endpoints(struct json *j, const struct flow_view *fv, int client_dir, const char *app_proto,
                   const struct geo_info *client_geo);

/* key: the view as a string, only when it is not empty. */
void ecs_kv(struct json *j, const char *key, struct bytes b);

/* The "url" object of a transaction: domain, path, and the query with the
 * values of credential parameters redacted (storage_redact_query). */
void ecs_url(struct json *j, const struct http_txn *t);

/* The MIME type of the response: Content-Type without parameters (may be empty). */
struct bytes ecs_mime_type(const struct http_txn *t);

/* The Community ID of a flow, client first ("1:..."), into out. */
void ecs_community_id(const struct flow_view *fv, int client_dir, char *out, size_t cap);

/* Inside the "bleedwatch" object: "tunnel": {"type": "vxlan", "id": VNI} for a
 * flow seen through a tunnel (decode.h's innermost one); nothing otherwise. */
void ecs_tunnel(struct json *j, const struct flow_view *fv);

#endif
