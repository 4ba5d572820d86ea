import { existsSync, readFileSync, rmSync } from 'node:fs';
import { PID_FILE } from './global-setup';

/** Stops the local runtime this run started (Ctrl-C, as at a terminal). */
export default async function globalTeardown(): Promise<void> {
	if (!existsSync(PID_FILE)) return;
	const pid = Number(readFileSync(PID_FILE, 'utf8'));
	rmSync(PID_FILE);
	try {
		process.kill(pid, 'SIGINT');
	} catch {
		return; // already gone
	}
	for (let i = 0; i < 100; i++) {
		await new Promise((r) => setTimeout(r, 100));
		try {
			process.kill(pid, 0);
		} catch {
			return;
		}
	}
	process.kill(pid, 'SIGKILL');
}
