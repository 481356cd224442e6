/* rest.h — the Bitrix24 REST transport: the method table, the call context every handler gets,
 * errors, the envelope, paging. The manual of the module:
 *
 *   Every handler has one signature: int rest_x_y(struct rest_call *call). It reads
 *   call->params (a jansson object: the merged query, form, multipart and JSON parameters, with
 *   top-level names upper-cased for REST_CI methods), sets call->result (a new reference the call
 *   then owns), and returns 0; or returns rest_fail(call, ERR_…, "text"). For lists it also sets
 *   call->total (and the dispatcher derives `next`).
 *
 *   Everything a handler allocates comes from call->arena; jansson trees it keeps are registered
 *   with rest_own(call, json) or handed over as call->result. Handlers never free.
 *
 *   The dispatcher (dispatch.c) does what is common to all: method lookup, scope, the admin
 *   flag, parameter case, the envelope with `time`, `total`/`next`, and batch. Rights on CRM data
 *   are decided in crm/rights.c (the one decision point), asked through crm/access.h.
 *
 * Adding a method: a row in methods.def, the handler in the family's file (user.c, …), a test. */
#ifndef VORONKA_REST_H
#define VORONKA_REST_H
#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

struct arena;
struct store;
struct server;
struct crm_rights;

enum rest_error {
#define REST_ERROR(e, code, status) e,
#include "rest/errors.def"
#undef REST_ERROR
	ERR__COUNT
};

enum rest_scope {
	SCOPE_NONE,        /* available to every caller */
	SCOPE_USER,        /* user.* */
	SCOPE_DEPARTMENT,  /* department.* */
	SCOPE_CRM,         /* crm.* (later issues) */
	SCOPE_VORONKA,     /* voronka.* extensions */
	SCOPE_IM,          /* im.* (notifications) */
	SCOPE__COUNT
};

enum rest_flags {
	REST_ADMIN = 1 << 0,
	REST_NOBATCH = 1 << 1,
	REST_CI = 1 << 2,
	REST_LIST = 1 << 3,
	REST_SETTINGS = 1 << 4, /* changes CRM settings: administrators and holders of the settings
				 * right (R5; crm/access.h) */
};

#define REST_PAGE 50            /* Bitrix24's fixed page size */
#define REST_MAX_BATCH 50       /* Bitrix24 refuses batches of more than 50 commands */

enum auth_kind { AUTH_NONE, AUTH_WEBHOOK, AUTH_SESSION, AUTH_INTERNAL };

/* Internal calls made on a client's behalf for a purpose the rights tell apart: the list calls
 * of an export need the EXPORT right, the add calls of an import the IMPORT right. */
enum { REST_PURPOSE_NONE, REST_PURPOSE_EXPORT, REST_PURPOSE_IMPORT };

/* Who is calling, established by http/ before dispatch. */
struct rest_auth {
	enum auth_kind kind;
	int64_t user_id;
	bool is_admin;
	const char *scopes;   /* webhook's comma-separated scopes; "" or NULL = all */
	int64_t webhook_id;   /* for AUTH_WEBHOOK */
};

struct rest_call;
typedef int (*rest_handler)(struct rest_call *call);

struct rest_method {
	const char *name;
	rest_handler fn;
	enum rest_scope scope;
	unsigned flags;
};

struct rest_call {
	struct arena *arena;          /* the request's arena */
	struct store *st;             /* this thread's database connection */
	struct server *srv;           /* configuration and shared state; may be NULL in unit tests */
	const struct rest_auth *auth;
	const struct rest_method *method;
	json_t *params;               /* borrowed: owned by the arena */
	json_t *result;               /* owned by the call once set */
	int64_t start;                /* REST_LIST: the `start` asked for (-1: no count) */
	int64_t total;                /* REST_LIST: rows matching; -1 when not counted */
	bool has_more;                /* start=-1 lists: there are rows past this page */
	enum rest_error err;          /* set by rest_fail */
	const char *err_desc;
	bool in_batch;
	unsigned char purpose;        /* REST_PURPOSE_*: why an internal call runs (rights differ) */
	struct crm_rights *crm_rights; /* the caller's CRM rights, loaded on first need (crm/access.h) */
	double t_start, t_processing; /* wall clock at start; seconds inside the handler */
};

/* The method table. */
const struct rest_method *rest_method_find(const char *name);
const struct rest_method *rest_methods_all(size_t *n);
const char *rest_scope_name(enum rest_scope s);
int rest_table_check(void);   /* 0 if the table is sorted and unique; called at start */

/* Record an error; returns -1 so handlers can `return rest_fail(...)`. */
int rest_fail(struct rest_call *call, enum rest_error e, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
const char *rest_error_code(enum rest_error e);
int rest_error_status(enum rest_error e);
/* The store's codes as REST errors, with a log line for the unexpected ones. */
int rest_fail_store(struct rest_call *call, int store_rc);

/* A handler's write transaction: begin (0, or -1 with the call failed), and end, committing
 * when failed is 0 and rolling back otherwise (-1 when failed or the commit failed). */
int rest_tx_begin(struct rest_call *call);
int rest_tx_end(struct rest_call *call, int failed);

/* Register a jansson tree to be released with the call's arena. Returns j. */
json_t *rest_own(struct rest_call *call, json_t *j);

/* Run one call: lookup, checks, handler. `params` is borrowed. Fills call->result or error. */
int rest_dispatch(struct rest_call *call, const char *method_name, json_t *params);
/* Build the HTTP body for a finished call: the success or error envelope. Returns a new
 * reference; *status gets the HTTP status. */
json_t *rest_envelope(struct rest_call *call, int *status);
json_t *rest_error_envelope(enum rest_error e, const char *desc);
json_t *rest_time_object(double t_start, double t_finish, double processing, bool with_operating);

/* Parameter helpers (params.c): a value by name in call->params, as text / integer. */
json_t *rest_param(struct rest_call *call, const char *name);
const char *rest_param_str(struct rest_call *call, const char *name);
/* 0 and *out set; 1 if absent; -1 (and the call failed with ERR_ARGUMENT) if not an integer. */
int rest_param_int(struct rest_call *call, const char *name, int64_t *out);
/* A positive integer from a number or decimal text; 0 when v is not one. */
int64_t rest_pos_int(json_t *v);
/* The ID parameter as a positive integer: 0, or -1 with ERROR_ARGUMENT "ID is not defined or
 * invalid.". */
int rest_id_param(struct rest_call *call, int64_t *id);
/* The caller's user ID (0: none), and the time now as the store keeps it, in the call's arena. */
int64_t rest_caller_id(struct rest_call *call);
const char *rest_now_db(struct rest_call *call);
/* A JSON value as text: strings as they are, numbers printed, true "1", false "0", null NULL. */
const char *rest_json_text(struct rest_call *call, json_t *v);
/* The fields of an add or update: the FIELDS object when given, else the top level. */
json_t *rest_write_fields(struct rest_call *call);
/* A member of fields by name in any case (SDKs send fields[name] as well as FIELDS[NAME]). */
json_t *rest_field_ci(json_t *fields, const char *name);
/* Y/N, true/false, 1/0 and their string forms; -1 if none of them. */
int rest_json_bool(json_t *v);

#define REST_METHOD(name, fn, scope, flags) int fn(struct rest_call *call);
#include "rest/methods.def"
#undef REST_METHOD

#endif
