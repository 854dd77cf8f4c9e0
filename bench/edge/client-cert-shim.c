/*
 * LD_PRELOAD shim that makes OpenSSL-based load generators (wrk, openssl s_time) present a
 * client certificate and send a chosen SNI, neither of which they can do by themselves.
 *
 *   BENCH_CLIENT_CERT  PEM certificate (chain) loaded into every SSL_CTX the tool creates
 *   BENCH_CLIENT_KEY   its PEM private key
 *   BENCH_SNI          server name sent in every ClientHello, whatever the tool would send
 *
 * Built by bench/edge/run.ts with: cc -shared -fPIC -O2 -o shim.so client-cert-shim.c -ldl
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <openssl/ssl.h>
#include <stdio.h>
#include <stdlib.h>

typedef SSL_CTX *(*ctx_new_fn)(const SSL_METHOD *);
typedef SSL *(*ssl_new_fn)(SSL_CTX *);
typedef long (*ssl_ctrl_fn)(SSL *, int, long, void *);

SSL_CTX *SSL_CTX_new(const SSL_METHOD *method) {
  static ctx_new_fn real;
  if (!real) real = (ctx_new_fn)dlsym(RTLD_NEXT, "SSL_CTX_new");
  SSL_CTX *ctx = real(method);
  const char *cert = getenv("BENCH_CLIENT_CERT");
  const char *key = getenv("BENCH_CLIENT_KEY");
  if (ctx && cert && key) {
    if (SSL_CTX_use_certificate_chain_file(ctx, cert) != 1 ||
        SSL_CTX_use_PrivateKey_file(ctx, key, SSL_FILETYPE_PEM) != 1) {
      fprintf(stderr, "client-cert-shim: cannot load %s and %s\n", cert, key);
      exit(2);
    }
  }
  return ctx;
}

/* SSL_set_tlsext_host_name is a macro over SSL_ctrl: replace the name the tool chose. */
long SSL_ctrl(SSL *ssl, int cmd, long larg, void *parg) {
  static ssl_ctrl_fn real;
  if (!real) real = (ssl_ctrl_fn)dlsym(RTLD_NEXT, "SSL_ctrl");
  const char *sni = getenv("BENCH_SNI");
  if (cmd == SSL_CTRL_SET_TLSEXT_HOSTNAME && sni) parg = (void *)sni;
  return real(ssl, cmd, larg, parg);
}

/* openssl s_time never sets SNI: set it on every new connection. */
SSL *SSL_new(SSL_CTX *ctx) {
  static ssl_new_fn real;
  if (!real) real = (ssl_new_fn)dlsym(RTLD_NEXT, "SSL_new");
  SSL *ssl = real(ctx);
  const char *sni = getenv("BENCH_SNI");
  if (ssl && sni) SSL_ctrl(ssl, SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name, (void *)sni);
  return ssl;
}
