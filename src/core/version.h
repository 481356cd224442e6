/* version.h — the release number, shown by `voronka version`, app.info and /healthz. */
#ifndef VORONKA_VERSION_H
#define VORONKA_VERSION_H
#define VORONKA_VERSION "0.1.0"
#endif
