// b24jssdk.test.mjs — @bitrix24/b24jssdk, the official Bitrix24 JavaScript SDK, unchanged, against
// a voronka server over HTTPS (the SDK forces https: the server runs with `init --tls` and Node
// trusts its self-signed certificate through NODE_EXTRA_CA_CERTS). The SDK POSTs JSON to
// /rest/{uid}/{secret}/{method}?bx24_request_id=…, reads `next`/`total`, and lists by keyset
// (order {ID: ASC}, filter {">ID": last}, start -1).
//
// Environment (set by run.sh): VORONKA_HOOK_URL = https://127.0.0.1:PORT/rest/1/SECRET
import { B24Hook, AjaxError, SdkError, ApiVersion } from '@bitrix24/b24jssdk';
import { test, check, rejects, env, run } from './lib.mjs';

const HOOK_URL = env('VORONKA_HOOK_URL');
const N_NEW = 60; // users added here: with the administrator, more than one page of 50

// A logger that keeps what the SDK says instead of printing it (deprecation notices of the
// callListMethod / fetchListMethod / callBatch names we test on purpose); printed on failure.
const said = [];
const quiet = {};
for (const level of ['log', 'debug', 'info', 'notice', 'warning', 'error', 'critical', 'alert', 'emergency']) {
	quiet[level] = async (message, context) => {
		if (!['log', 'debug', 'info'].includes(level)) said.push(`${level}: ${message} ${JSON.stringify(context ?? '')}`);
	};
}

function hook(url = HOOK_URL) {
	const b24 = B24Hook.fromWebhookUrl(url);
	b24.offClientSideWarning();
	b24.setLogger(quiet);
	return b24;
}

const b24 = hook();
let created = []; // ids from user.add
let adminTotal = 0; // user.get's total after the adds

async function call(method, params = {}) {
	const res = await b24.actions.v2.call.make({ method, params });
	check(res.isSuccess, method, res.getErrorMessages());
	return res;
}

test('server.time', async () => {
	const res = await call('server.time');
	const data = res.getData();
	check(typeof data.result === 'string' && !Number.isNaN(Date.parse(data.result)), 'result', data.result);
	check(typeof data.time.start === 'number' && typeof data.time.duration === 'number', 'time', data.time);
	check(res.getStatus() === 200, 'status', res.getStatus());
});

test('user.current', async () => {
	const { result } = (await call('user.current')).getData();
	check(String(result.ID) === '1', 'ID', result);
	check(result.EMAIL === 'admin@example.com', 'EMAIL', result);
});

test('methods and scope', async () => {
	const methods = (await call('methods')).getData().result;
	check(Array.isArray(methods), 'methods', methods);
	for (const m of ['batch', 'server.time', 'user.get', 'user.add', 'methods']) check(methods.includes(m), 'has', m, methods);
	const scope = (await call('scope')).getData().result;
	check(Array.isArray(scope) && scope.includes('user'), 'scope', scope);
	const mg = (await call('method.get', { name: 'user.get' })).getData().result;
	check(mg.isExisting === true && mg.isAvailable === true, 'method.get', mg);
});

test('user.add x60 by callBatch (halt)', async () => {
	// Two batches (50 is Bitrix24's ceiling per batch), named commands, halt on the first error.
	for (let from = 0; from < N_NEW; from += 50) {
		const calls = {};
		for (let i = from; i < Math.min(N_NEW, from + 50); i++) {
			const n = String(i).padStart(2, '0');
			calls[`add${n}`] = ['user.add', { EMAIL: `jssdk-${n}@example.com`, NAME: 'Jssdk', LAST_NAME: `User ${n}` }];
		}
		const res = await b24.callBatch(calls, true);
		check(res.isSuccess, 'batch', res.getErrorMessages());
		const data = res.getData();
		for (const key of Object.keys(calls)) {
			const id = Number(data[key]);
			check(Number.isInteger(id) && id > 1, key, data[key]);
			created.push(id);
		}
	}
	check(new Set(created).size === N_NEW, 'distinct ids', created);
});

test('user.get with a filter', async () => {
	const one = (await call('user.get', { filter: { LAST_NAME: 'User 07', NAME: 'Jssdk' } })).getData().result;
	check(Array.isArray(one) && one.length === 1, 'one row', one);
	check(one[0].EMAIL === 'jssdk-07@example.com' && one[0].LAST_NAME === 'User 07', 'row', one[0]);
	const byId = (await call('user.get', { ID: created[3] })).getData().result;
	check(byId.length === 1 && Number(byId[0].ID) === created[3], 'by ID', byId);
	const res = await call('user.get', { filter: { '>=ID': created[10], NAME: 'Jssdk' } });
	check(res.getTotal() === N_NEW - 10, 'total of >=ID', res.getTotal(), res.getData().result.length);
	const none = (await call('user.get', { filter: { EMAIL: 'nobody@example.com' } })).getData().result;
	check(Array.isArray(none) && none.length === 0, 'no row', none);
});

test('user.get paging: total and next', async () => {
	const res = await call('user.get', {});
	adminTotal = res.getTotal();
	check(adminTotal >= N_NEW + 1, 'total', adminTotal);
	check(res.getData().result.length === 50, 'first page of 50', res.getData().result.length);
	check(res.isMore(), 'next is a number');
	const second = await res.getNext(b24.getHttpClient(ApiVersion.v2));
	check(second && second.isSuccess && second.getData().result.length === adminTotal - 50, 'second page', second && second.getData());
	check(!second.isMore(), 'no next on the last page');
});

async function checkAll(rows, how) {
	const ids = rows.map((u) => Number(u.ID));
	check(ids.length === adminTotal, how, 'count', ids.length, 'want', adminTotal);
	check(new Set(ids).size === ids.length, how, 'duplicates');
	for (let i = 1; i < ids.length; i++) check(ids[i] > ids[i - 1], how, 'ascending by ID', ids);
	for (const id of created) check(ids.includes(id), how, 'missing', id);
}

test('callListMethod (start=0, then next)', async () => {
	const res = await b24.callListMethod('user.get', {});
	check(res.isSuccess, res.getErrorMessages());
	await checkAll(res.getData(), 'callListMethod');
});

test('actions.v2.callList (keyset: start=-1, >ID)', async () => {
	const res = await b24.actions.v2.callList.make({ method: 'user.get', params: {}, idKey: 'ID' });
	check(res.isSuccess, res.getErrorMessages());
	await checkAll(res.getData(), 'callList');
	check(!said.some((s) => s.includes('pagination stops')), said);
});

test('fetchListMethod (keyset, chunks of 50)', async () => {
	const rows = [];
	const sizes = [];
	for await (const chunk of b24.fetchListMethod('user.get', {}, 'ID')) {
		sizes.push(chunk.length);
		rows.push(...chunk);
	}
	check(sizes[0] === 50 && sizes.length === Math.ceil(adminTotal / 50), 'chunks', sizes);
	await checkAll(rows, 'fetchListMethod');
	// The keyset with a filter of the caller's: only the added users
	const mine = [];
	for await (const chunk of b24.actions.v2.fetchList.make({ method: 'user.get', params: { filter: { NAME: 'Jssdk' } } })) mine.push(...chunk);
	check(mine.length === N_NEW, 'filtered keyset', mine.length);
});

test('callBatch: results by key, $result references', async () => {
	const res = await b24.callBatch({
		time: { method: 'server.time' },
		me: { method: 'user.current' },
		one: { method: 'user.get', params: { ID: created[0] } },
		ref: { method: 'user.get', params: { ID: '$result[me][ID]' } },
	}, true);
	check(res.isSuccess, res.getErrorMessages());
	const d = res.getData();
	check(typeof d.time === 'string', 'time', d);
	check(String(d.me.ID) === '1', 'me', d.me);
	check(Array.isArray(d.one) && Number(d.one[0].ID) === created[0], 'one', d.one);
	check(Array.isArray(d.ref) && String(d.ref[0].ID) === '1', 'ref', d.ref);
	// The array form
	const arr = await b24.callBatch([['server.time'], ['user.current']], true);
	check(arr.isSuccess && arr.getData().length === 2 && String(arr.getData()[1].ID) === '1', 'array form', arr.getData());
});

test('callBatch halt=1 stops at the first error', async () => {
	const res = await b24.callBatch({
		a: ['server.time'],
		bad: ['no.such.method'],
		c: ['user.current'],
	}, true);
	check(!res.isSuccess, 'the batch reports the failed command');
	const errs = res.getErrorMessages().join(' | ');
	check(/not found/i.test(errs), 'error text', errs);
	check(res.errors.has('bad'), 'error under its key', [...res.errors.keys()]);
	const d = res.getData();
	check(typeof d.a === 'string', 'a ran', d);
	check(!('c' in d), 'c did not run', d);
	// halt=0: the rest still runs
	const go = await b24.callBatch({ a: ['server.time'], bad: ['no.such.method'], c: ['user.current'] }, false);
	check(!go.isSuccess && String(go.getData().c.ID) === '1', 'c ran with halt=0', go.getData());
});

test('unknown method surfaces as AjaxError', async () => {
	const e = await rejects(b24.actions.v2.call.make({ method: 'no.such.method', params: {} }), 'unknown method');
	check(e instanceof AjaxError && e instanceof SdkError, 'AjaxError', String(e));
	check(e.code === 'ERROR_METHOD_NOT_FOUND' && e.status === 404, 'code/status', e.code, e.status, e.message);
});

test('wrong webhook secret surfaces as AjaxError', async () => {
	const bad = hook(HOOK_URL.replace(/\/[^/]+\/?$/, '/wrongsecret0000'));
	const e = await rejects(bad.actions.v2.call.make({ method: 'server.time', params: {} }), 'wrong secret');
	check(e instanceof AjaxError, 'AjaxError', String(e));
	check(e.code === 'NO_AUTH_FOUND' && e.status === 401, 'code/status', e.code, e.status, e.message);
	// A wrong secret on a list helper: the error is reported, not an endless loop
	const list = await bad.actions.v2.callList.make({ method: 'user.get', params: {} }).catch((x) => x);
	check(list instanceof AjaxError || (list.isSuccess === false), 'callList error', String(list));
});

test('a bad parameter surfaces with the server text', async () => {
	const e = await rejects(b24.actions.v2.call.make({ method: 'user.get', params: { filter: { '>ID': 'abc' } } }), 'bad filter value');
	check(e instanceof AjaxError && e.status === 400 && e.code === 'ERROR_ARGUMENT', 'code/status', e.code, e.status, e.message);
});

test('crm.item.list: {items}, camelCase id, keyset and offset paging', async () => {
	const ids = [];
	for (const chunk of [0, 1]) {
		const cmd = {};
		for (let i = 0; i < 30; i++) cmd['c' + i] = { method: 'crm.item.add', params: { entityTypeId: 3, fields: { name: 'SdkItem', lastName: String(chunk * 30 + i) } } };
		const res = await b24.callBatch(cmd, true);
		check(res.isSuccess, res.getErrorMessages());
		for (const v of Object.values(res.getData())) ids.push(v.item.id);
	}
	ids.sort((a, b) => a - b);
	const params = { entityTypeId: 3, filter: { name: 'SdkItem' }, select: ['id', 'name'] };
	const keyset = await b24.actions.v2.callList.make({ method: 'crm.item.list', params, idKey: 'id', customKeyForResult: 'items' });
	check(keyset.isSuccess, keyset.getErrorMessages());
	check(JSON.stringify(keyset.getData().map((r) => r.id)) === JSON.stringify(ids), 'callList ids', keyset.getData().length);
	const chunks = [];
	for await (const chunk of b24.actions.v2.fetchList.make({ method: 'crm.item.list', params, idKey: 'id', customKeyForResult: 'items' })) chunks.push(chunk.length);
	check(chunks.join() === '50,10', 'fetchList chunks', chunks);
	const offset = await b24.callListMethod('crm.item.list', params, null, 'items');
	check(offset.isSuccess && offset.getData().length === 60, 'callListMethod', offset.getErrorMessages(), offset.getData()?.length);
	const one = await call('crm.item.get', { entityTypeId: 3, id: ids[0] });
	check(one.getData().result.item.id === ids[0] && one.getData().result.item.name === 'SdkItem', one.getData());
});

await run('b24jssdk', () => (said.length ? 'SDK log:\n' + said.slice(-20).join('\n') : ''));
