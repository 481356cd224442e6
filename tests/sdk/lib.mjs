// lib.mjs — the smallest test runner the SDK suites need: test(name, fn) registers, run() runs
// them in order and prints one line per test and "N passed, N failed" last (tests/run.sh counts
// that line). Node's own runner would do, but its reporters vary across versions.
const tests = [];

export function test(name, fn) {
	tests.push({ name, fn });
}

export function check(cond, ...what) {
	if (!cond) {
		const text = what.map((w) => (typeof w === 'string' ? w : JSON.stringify(w))).join(' ');
		throw new Error((text || 'check failed').slice(0, 800));
	}
}

// The promise must reject; returns the error so the caller can look at it.
export async function rejects(promise, what) {
	try {
		await promise;
	} catch (e) {
		return e;
	}
	throw new Error(`expected an error: ${what}`);
}

export function env(name) {
	const v = process.env[name];
	if (!v) {
		console.log(`FAIL missing environment variable ${name}`);
		console.log('0 passed, 1 failed');
		process.exit(1);
	}
	return v;
}

// extra(): text printed before the count when a test failed (what the SDK logged, say).
export async function run(suite, extra) {
	let passed = 0;
	let failed = 0;
	const only = process.env.TEST_ONLY;
	for (const t of tests) {
		if (only && !t.name.includes(only)) continue;
		const t0 = Date.now();
		try {
			await t.fn();
			passed++;
			console.log(`ok   ${suite}::${t.name} (${Date.now() - t0} ms)`);
		} catch (e) {
			failed++;
			console.log(`FAIL ${suite}::${t.name}: ${e && e.stack ? e.stack : e}`);
		}
	}
	if (failed && extra) {
		const text = extra();
		if (text) console.log(text);
	}
	console.log(`${passed} passed, ${failed} failed`);
	process.exitCode = failed ? 1 : 0;
}
