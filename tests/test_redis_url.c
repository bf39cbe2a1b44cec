/* test_redis_url.c -- every accepted --redis form, the refused ones, and the
 * password never reaching printable text or error messages. */
#include "redis_url.h"
#include "test.h"
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void t_plain(void)
{
    struct redis_url u;
    char err[256], pr[512];
    CHECK(redis_url_parse("redis://localhost", &u, err, sizeof err) == 0);
    CHECK_EQ(u.kind, REDIS_URL_TCP);
    CHECK_STR(u.host, "localhost");
    CHECK_EQ(u.port, 6379);
    CHECK_EQ(u.db, 0);
    CHECK(!u.has_password);
    CHECK_STR(redis_url_printable(&u, pr, sizeof pr), "redis://localhost:6379/0");

    CHECK(redis_url_parse("redis://10.1.2.3:6380/5", &u, err, sizeof err) == 0);
    CHECK_STR(u.host, "10.1.2.3");
    CHECK_EQ(u.port, 6380);
    CHECK_EQ(u.db, 5);
    CHECK(redis_url_parse("redis://h.example:7000/", &u, err, sizeof err) == 0);
    CHECK_EQ(u.port, 7000);
    CHECK_EQ(u.db, 0);
}

static void t_ipv6(void)
{
    struct redis_url u;
    char err[256], pr[512];
    CHECK(redis_url_parse("redis://[::1]:6390/2", &u, err, sizeof err) == 0);
    CHECK_STR(u.host, "::1");
    CHECK(u.host_is_v6);
    CHECK_EQ(u.port, 6390);
    CHECK_EQ(u.db, 2);
    CHECK_STR(redis_url_printable(&u, pr, sizeof pr), "redis://[::1]:6390/2");
    CHECK(redis_url_parse("redis://[2001:db8::7]", &u, err, sizeof err) == 0);
    CHECK_STR(u.host, "2001:db8::7");
    CHECK_EQ(u.port, 6379);
}

static void t_credentials(void)
{
    struct redis_url u;
    char err[256], pr[512];
    /* password only (classic AUTH) */
    CHECK(redis_url_parse("redis://:s3cret@host:1234/3", &u, err, sizeof err) == 0);
    CHECK(u.has_password);
    CHECK_STR(u.password, "s3cret");
    CHECK_STR(u.user, "");
    redis_url_printable(&u, pr, sizeof pr);
    CHECK_STR(pr, "redis://:***@host:1234/3");
    CHECK(strstr(pr, "s3cret") == NULL);
    /* ACL user + password */
    CHECK(redis_url_parse("redis://alice:pa%40ss%3Aword@[::1]:6379/0", &u, err, sizeof err) == 0);
    CHECK_STR(u.user, "alice");
    CHECK_STR(u.password, "pa@ss:word");
    redis_url_printable(&u, pr, sizeof pr);
    CHECK_STR(pr, "redis://alice:***@[::1]:6379/0");
    CHECK(strstr(pr, "pa@ss") == NULL);
    /* no ':' in userinfo: all of it is the password (redis-cli's reading) */
    CHECK(redis_url_parse("redis://onlypass@host", &u, err, sizeof err) == 0);
    CHECK_STR(u.password, "onlypass");
    CHECK_STR(u.user, "");
    /* '@' inside an unencoded password: the last '@' ends the userinfo */
    CHECK(redis_url_parse("redis://:a@b@host:1/1", &u, err, sizeof err) == 0);
    CHECK_STR(u.password, "a@b");
    CHECK_STR(u.host, "host");
    /* empty password is still a password */
    CHECK(redis_url_parse("redis://:@host", &u, err, sizeof err) == 0);
    CHECK(u.has_password);
    redis_url_wipe(&u);
    CHECK(!u.has_password);
    CHECK_STR(u.password, "");
}

static void t_unix(void)
{
    struct redis_url u;
    char err[256], pr[512];
    CHECK(redis_url_parse("unix:///run/redis/redis.sock", &u, err, sizeof err) == 0);
    CHECK_EQ(u.kind, REDIS_URL_UNIX);
    CHECK_STR(u.path, "/run/redis/redis.sock");
    CHECK_EQ(u.db, 0);
    CHECK(redis_url_parse("unix:///tmp/r.sock?db=4", &u, err, sizeof err) == 0);
    CHECK_STR(u.path, "/tmp/r.sock");
    CHECK_EQ(u.db, 4);
    CHECK_STR(redis_url_printable(&u, pr, sizeof pr), "unix:///tmp/r.sock?db=4");
}

/* Each bad form: refused, with a message that does not quote the secret. */
static void t_bad(void)
{
    static const char *const bad[] = {
        "",
        "http://:hunter2@host",
        "rediss://:hunter2@host",
        "redis://:hunter2@",
        "redis://:hunter2@host:0",
        "redis://:hunter2@host:65536",
        "redis://:hunter2@host:12ab",
        "redis://:hunter2@host:",
        "redis://:hunter2@host/db",
        "redis://:hunter2@host/99999999999",
        "redis://:hunter2@[::1",
        "redis://:hunter2@[::1]x",
        "redis://:hunter2@[host]",
        "redis://:hunter2@ho st",
        "redis://:hunter2@host?x=1",
        "redis://:hunter2%zz@host",
        "redis://:hunter2%4@host",
        "redis://:hunter2%00@host",
        "unix://relative/path",
        "unix:///tmp/s?db=x",
        "unix:///tmp/s?password=hunter2",
        NULL,
    };
    for (int i = 0; bad[i]; i++) {
        struct redis_url u;
        char err[256] = "";
        int r = redis_url_parse(bad[i], &u, err, sizeof err);
        CHECK(r < 0);
        CHECK(err[0] != 0);
        CHECK(strstr(err, "hunter2") == NULL);
        CHECK(!u.has_password);      /* wiped on failure */
        if (r == 0) printf("# accepted: %s\n", bad[i]);
    }
    /* a path longer than sun_path */
    char longp[300] = "unix:///";
    memset(longp + 8, 'a', 200);
    longp[208] = 0;
    struct redis_url u;
    char err[256];
    CHECK(redis_url_parse(longp, &u, err, sizeof err) < 0);
    CHECK(strstr(err, "too long") != NULL);
}

static void t_password_file(void)
{
    char dir[] = "/tmp/bw_url_XXXXXX";
    if (!mkdtemp(dir)) {
        test_skip("mkdtemp failed");
        return;
    }
    char path[128];
    snprintf(path, sizeof path, "%s/pw", dir);
    FILE *f = fopen(path, "w");
    CHECK(f != NULL);
    if (!f) return;
    fputs("from-file-pw\r\nsecond line ignored\n", f);
    fclose(f);
    struct redis_url u;
    char err[256];
    CHECK(redis_url_parse("redis://:urlpw@host", &u, err, sizeof err) == 0);

    CHECK(chmod(path, 0640) == 0);
    CHECK(redis_url_password_file(&u, path, err, sizeof err) < 0);
    CHECK(strstr(err, "refused") != NULL && strstr(err, "0640") != NULL);
    CHECK(strstr(err, "from-file-pw") == NULL);
    CHECK_STR(u.password, "urlpw");      /* unchanged */

    CHECK(chmod(path, 0600) == 0);
    CHECK(redis_url_password_file(&u, path, err, sizeof err) == 0);
    CHECK_STR(u.password, "from-file-pw");

    char missing[160];
    snprintf(missing, sizeof missing, "%s/nope", dir);
    CHECK(redis_url_password_file(&u, missing, err, sizeof err) < 0);
    CHECK(strstr(err, "nope") != NULL);

    /* environment: only when there is no password yet */
    setenv("REDISCLI_AUTH", "env-pw", 1);
    CHECK(!redis_url_password_env(&u));
    CHECK_STR(u.password, "from-file-pw");
    CHECK(redis_url_parse("redis://host", &u, err, sizeof err) == 0);
    CHECK(redis_url_password_env(&u));
    CHECK_STR(u.password, "env-pw");
    unsetenv("REDISCLI_AUTH");

    unlink(path);
    rmdir(dir);
}

int main(void)
{
    RUN(t_plain);
    RUN(t_ipv6);
    RUN(t_credentials);
    RUN(t_unix);
    RUN(t_bad);
    RUN(t_password_file);
    return test_done();
}
