// Starts the local runtime (`python -m local`, what `make run` runs) on a free port and
// hands its URL to the tests in YOYAKU_URL. The built app must exist (make builds it).
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
export const PID_FILE = resolve(ROOT, 'web/test-results/.yoyaku-local.pid');

function freePort(): Promise<number> {
	return new Promise((done, fail) => {
		const server = createServer();
		server.listen(0, '127.0.0.1', () => {
			const address = server.address();
			server.close(() => (typeof address === 'object' && address ? done(address.port) : fail(new Error('no port'))));
		});
	});
}

export default async function globalSetup(): Promise<void> {
	if (process.env.YOYAKU_URL) return; // a runtime started by hand
	if (!existsSync(resolve(ROOT, 'web/build/index.html'))) {
		throw new Error('web/build is missing: run `make web` (or `npm run build` in web/) first');
	}
	const python = process.env.PYTHON ?? resolve(ROOT, '.venv/bin/python');
	const port = await freePort();
	const child = spawn(python, ['-m', 'local'], {
		cwd: ROOT,
		env: { ...process.env, PORT: String(port), PYTHONPATH: `${ROOT}/functions:${ROOT}` },
		stdio: ['ignore', 'pipe', 'pipe']
	});
	const lines: string[] = [];
	await new Promise<void>((ready, fail) => {
		const timer = setTimeout(() => fail(new Error(`local runtime did not start:\n${lines.slice(-30).join('\n')}`)), 120_000);
		const take = (chunk: Buffer) => {
			for (const line of chunk.toString().split('\n')) {
				lines.push(line);
				if (line.startsWith('Yoyaku is running')) {
					clearTimeout(timer);
					ready();
				}
			}
		};
		child.stdout.on('data', take);
		child.stderr.on('data', take);
		child.on('exit', (code) => {
			clearTimeout(timer);
			fail(new Error(`local runtime exited (${code}):\n${lines.slice(-30).join('\n')}`));
		});
	});
	// Keep reading its output, or a full pipe would block the server.
	child.stdout.removeAllListeners('data').on('data', () => {});
	child.stderr.removeAllListeners('data').on('data', (chunk: Buffer) => process.stderr.write(chunk));
	child.removeAllListeners('exit');
	mkdirSync(dirname(PID_FILE), { recursive: true });
	writeFileSync(PID_FILE, String(child.pid));
	process.env.YOYAKU_URL = `http://127.0.0.1:${port}`;
}
