// bitrix2bad.test.mjs — @2bad/bitrix, unchanged, against a voronka server over plain HTTP on
// loopback. This client sends everything as GET query strings (qs.stringify: brackets
// percent-encoded), batch as GET batch?cmd[key]=method?query without halt, and list() as one
// start=0 call, then a batch of every offset up to `total`. Non-2xx answers throw (got's
// HTTPError); a batch with any entry in result_error throws too.
//
// Environment (set by run.sh): VORONKA_HOOK_URL = http://127.0.0.1:PORT/rest/1/SECRET
import bitrix from '@2bad/bitrix';
import { test, check, rejects, env, run } from './lib.mjs';

const Bitrix = bitrix.Bitrix ?? bitrix.default ?? bitrix;
const HOOK_URL = env('VORONKA_HOOK_URL');
const N_NEW = 60;

const client = Bitrix(HOOK_URL);
const created = [];
let total = 0;

test('server.time', async () => {
	const { result, time } = await client.call('server.time', {});
	check(typeof result === 'string' && !Number.isNaN(Date.parse(result)), 'result', result);
	check(typeof time.start === 'number', 'time', time);
});

test('user.current', async () => {
	const { result } = await client.call('user.current', {});
	check(String(result.ID) === '1' && result.EMAIL === 'admin@example.com', 'user', result);
});

test('methods and method.get', async () => {
	const { result } = await client.call('methods', {});
	check(Array.isArray(result), 'methods', result);
	for (const m of ['batch', 'server.time', 'user.get', 'user.add']) check(result.includes(m), 'has', m);
	const mg = await client.call('method.get', { name: 'batch' });
	check(mg.result.isExisting === true, 'method.get', mg.result);
});

test('user.add x60 by batch (two GET requests of 50 and 10)', async () => {
	const commands = {};
	for (let i = 0; i < N_NEW; i++) {
		const n = String(i).padStart(2, '0');
		commands[`add${n}`] = { method: 'user.add', params: { EMAIL: `twobad-${n}@example.com`, NAME: 'Twobad', LAST_NAME: `User ${n}` } };
	}
	const payload = await client.batch(commands);
	const ids = payload.result.result;
	for (const key of Object.keys(commands)) {
		const id = Number(ids[key]);
		check(Number.isInteger(id) && id > 1, key, ids[key]);
		created.push(id);
	}
	check(new Set(created).size === N_NEW, 'distinct', created);
});

test('user.get with a filter', async () => {
	const one = await client.call('user.get', { FILTER: { LAST_NAME: 'User 07', NAME: 'Twobad' } });
	check(one.result.length === 1 && one.result[0].EMAIL === 'twobad-07@example.com', 'one', one.result);
	check(one.total === 1 && one.next === undefined, 'total/next', one.total, one.next);
	const lower = await client.call('user.get', { filter: { '>ID': created[49] } });
	check(lower.result.length === N_NEW - 50 && lower.result.every((u) => Number(u.ID) > created[49]), '>ID', lower.result.length);
	// The client's own helper: users.get(id) sends user.get?id=…
	const byId = await client.users.get(created[5]);
	check(byId.result.length === 1 && Number(byId.result[0].ID) === created[5], 'users.get', byId.result);
});

test('list(): start=0, then a batch of offsets', async () => {
	const first = await client.call('user.get', {});
	total = first.total;
	check(total >= N_NEW + 1 && first.next === 50 && first.result.length === 50, 'first page', total, first.next);
	const all = await client.list('user.get', {});
	const ids = all.result.map((u) => Number(u.ID));
	check(ids.length === total && all.total === total, 'count', ids.length, all.total, 'want', total);
	check(new Set(ids).size === ids.length, 'duplicates');
	for (const id of created) check(ids.includes(id), 'missing', id);
	// A filtered list of exactly one page: one call, no batch
	const page = await client.list('user.get', { FILTER: { NAME: 'Twobad', '<=ID': created[49] } });
	check(page.result.length === 50 && page.total === 50 && !page.next, 'one page', page.result.length, page.total, page.next);
});

test('batch: named, array, references', async () => {
	const named = await client.batch({
		t: { method: 'server.time' },
		me: { method: 'user.current' },
		one: { method: 'user.get', params: { ID: created[0] } },
		ref: { method: 'user.get', params: { ID: '$result[me][ID]' } },
	});
	const r = named.result.result;
	check(typeof r.t === 'string' && String(r.me.ID) === '1', 'named', r);
	check(Number(r.one[0].ID) === created[0] && String(r.ref[0].ID) === '1', 'lists', r.one, r.ref);
	check(named.result.result_total.one === 1, 'result_total', named.result.result_total);
	const arr = await client.batch([{ method: 'server.time' }, { method: 'user.current' }]);
	const ar = Object.values(arr.result.result);
	check(ar.length === 2 && String(ar[1].ID) === '1', 'array', arr.result.result);
});

test('unknown method surfaces as HTTPError', async () => {
	const e = await rejects(client.call('no.such.method', {}), 'unknown method');
	check(e.name === 'HTTPError' && e.response.statusCode === 404, 'HTTPError 404', e.name, e.message);
	check(e.response.body.error === 'ERROR_METHOD_NOT_FOUND', 'code', e.response.body);
});

test('a failing command fails the batch', async () => {
	const e = await rejects(client.batch({ t: { method: 'server.time' }, bad: { method: 'no.such.method' } }), 'batch error');
	check(/\[batch\] failed/.test(e.message), 'batch error', e.message);
});

test('wrong webhook secret surfaces as HTTPError', async () => {
	const bad = Bitrix(HOOK_URL.replace(/\/[^/]+\/?$/, '/wrongsecret0000'));
	const e = await rejects(bad.call('server.time', {}), 'wrong secret');
	check(e.name === 'HTTPError' && e.response.statusCode === 401, 'HTTPError 401', e.name, e.message);
	check(e.response.body.error === 'NO_AUTH_FOUND', 'code', e.response.body);
});

await run('@2bad/bitrix');
