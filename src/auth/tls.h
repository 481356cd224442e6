/* tls.h — the TLS pair for `voronka init --tls`: a self-signed certificate for a server that
 * runs on one machine or a LAN, before a real certificate (e.g. from a reverse proxy) replaces it. */
#ifndef VORONKA_TLS_H
#define VORONKA_TLS_H

/* Write a new ECDSA P-256 key (PEM, mode 0600) and a self-signed certificate (PEM) for cn, valid
 * ten years, with SubjectAltName DNS:localhost, DNS:cn and IP:127.0.0.1. Existing files are
 * replaced. Returns 0, or -1 after logging why. */
int tls_make_self_signed(const char *cert_path, const char *key_path, const char *cn);

#endif
