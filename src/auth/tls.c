/* tls.c — a self-signed TLS pair for `voronka init --tls`, made with GnuTLS's x509 API (the
 * library libmicrohttpd already links): an ECDSA P-256 key and a ten-year certificate naming
 * localhost and 127.0.0.1, so that a browser on the same machine can be told to trust it once. */
#include "auth/tls.h"
#include "core/log.h"
#include <errno.h>
#include <fcntl.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <sodium.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define TLS_VALID_SECONDS ((time_t)10 * 365 * 86400 + 3 * 86400) /* ten years, leap days included */

/* Write data to path with mode (applied even when the file existed), replacing its content. */
static int write_file(const char *path, const gnutls_datum_t *d, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, mode);
	if (fd < 0) {
		log_error("tls: cannot write %s: %s", path, strerror(errno));
		return -1;
	}
	int rc = 0;
	if (fchmod(fd, mode)) {
		log_error("tls: cannot set the mode of %s: %s", path, strerror(errno));
		rc = -1;
	}
	for (size_t off = 0; !rc && off < d->size;) {
		ssize_t n = write(fd, d->data + off, d->size - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			log_error("tls: cannot write %s: %s", path, strerror(errno));
			rc = -1;
			break;
		}
		off += (size_t)n;
	}
	if (!rc && fsync(fd)) {
		log_error("tls: cannot flush %s: %s", path, strerror(errno));
		rc = -1;
	}
	if (close(fd) && !rc) {
		log_error("tls: cannot close %s: %s", path, strerror(errno));
		rc = -1;
	}
	return rc;
}

#define CHECK(what, call)                                                                                              \
	do {                                                                                                           \
		int e_ = (call);                                                                                       \
		if (e_ < 0) {                                                                                          \
			log_error("tls: %s: %s", (what), gnutls_strerror(e_));                                         \
			goto out;                                                                                      \
		}                                                                                                      \
	} while (0)

int tls_make_self_signed(const char *cert_path, const char *key_path, const char *cn)
{
	gnutls_x509_privkey_t key = NULL;
	gnutls_x509_crt_t crt = NULL;
	gnutls_datum_t key_pem = {NULL, 0}, crt_pem = {NULL, 0};
	unsigned char serial[16], key_id[64];
	size_t key_id_n = sizeof key_id;
	static const unsigned char loopback[4] = {127, 0, 0, 1};
	time_t now = time(NULL);
	int rc = -1;

	if (!cn || !*cn)
		cn = "localhost";
	CHECK("key init", gnutls_x509_privkey_init(&key));
	CHECK("key generation",
	      gnutls_x509_privkey_generate(key, GNUTLS_PK_ECDSA, GNUTLS_CURVE_TO_BITS(GNUTLS_ECC_CURVE_SECP256R1), 0));
	CHECK("certificate init", gnutls_x509_crt_init(&crt));
	CHECK("version", gnutls_x509_crt_set_version(crt, 3));
	randombytes_buf(serial, sizeof serial);
	serial[0] &= 0x7f; /* a positive INTEGER */
	serial[0] |= 0x01; /* and without a leading zero byte */
	CHECK("serial", gnutls_x509_crt_set_serial(crt, serial, sizeof serial));
	CHECK("activation", gnutls_x509_crt_set_activation_time(crt, now - 3600)); /* clocks drift */
	CHECK("expiration", gnutls_x509_crt_set_expiration_time(crt, now + TLS_VALID_SECONDS));
	CHECK("common name", gnutls_x509_crt_set_dn_by_oid(crt, GNUTLS_OID_X520_COMMON_NAME, 0, cn, strlen(cn)));
	CHECK("organization",
	      gnutls_x509_crt_set_dn_by_oid(crt, GNUTLS_OID_X520_ORGANIZATION_NAME, 0, "Voronka", strlen("Voronka")));
	CHECK("public key", gnutls_x509_crt_set_key(crt, key));
	CHECK("SAN localhost",
	      gnutls_x509_crt_set_subject_alt_name(crt, GNUTLS_SAN_DNSNAME, "localhost", strlen("localhost"),
						   GNUTLS_FSAN_APPEND));
	if (strcmp(cn, "localhost") != 0)
		CHECK("SAN name", gnutls_x509_crt_set_subject_alt_name(crt, GNUTLS_SAN_DNSNAME, cn, (unsigned)strlen(cn),
								       GNUTLS_FSAN_APPEND));
	CHECK("SAN 127.0.0.1", gnutls_x509_crt_set_subject_alt_name(crt, GNUTLS_SAN_IPADDRESS, loopback,
								    sizeof loopback, GNUTLS_FSAN_APPEND));
	CHECK("basic constraints", gnutls_x509_crt_set_basic_constraints(crt, 0, -1));
	CHECK("key usage", gnutls_x509_crt_set_key_usage(crt, GNUTLS_KEY_DIGITAL_SIGNATURE));
	CHECK("key purpose", gnutls_x509_crt_set_key_purpose_oid(crt, GNUTLS_KP_TLS_WWW_SERVER, 0));
	CHECK("key id", gnutls_x509_crt_get_key_id(crt, 0, key_id, &key_id_n));
	CHECK("subject key id", gnutls_x509_crt_set_subject_key_id(crt, key_id, key_id_n));
	CHECK("signature", gnutls_x509_crt_sign2(crt, crt, key, GNUTLS_DIG_SHA256, 0));
	CHECK("key export", gnutls_x509_privkey_export2_pkcs8(key, GNUTLS_X509_FMT_PEM, NULL, GNUTLS_PKCS_PLAIN, &key_pem));
	CHECK("certificate export", gnutls_x509_crt_export2(crt, GNUTLS_X509_FMT_PEM, &crt_pem));
	if (write_file(key_path, &key_pem, 0600) || write_file(cert_path, &crt_pem, 0644))
		goto out;
	rc = 0;
out:
	if (key_pem.data) {
		sodium_memzero(key_pem.data, key_pem.size);
		gnutls_free(key_pem.data);
	}
	gnutls_free(crt_pem.data);
	if (crt)
		gnutls_x509_crt_deinit(crt);
	if (key)
		gnutls_x509_privkey_deinit(key);
	return rc;
}
