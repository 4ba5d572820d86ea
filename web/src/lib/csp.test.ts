// The CSP allows one inline style by hash: the style attribute of SvelteKit's route
// announcer. If a kit upgrade changes that attribute, this fails here, not in browsers.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const template = readFileSync(new URL('../../../template.yaml', import.meta.url), 'utf8');
const root = readFileSync(new URL('../../node_modules/@sveltejs/kit/src/core/sync/write_root.js', import.meta.url), 'utf8');

describe('Content-Security-Policy', () => {
	it("allows exactly the announcer's style attribute", () => {
		const style = /id="svelte-announcer"[^>]*style="([^"]+)"/.exec(root)?.[1];
		expect(style).toBeTruthy();
		const hash = createHash('sha256').update(style!).digest('base64');
		const hashes = [...template.matchAll(/'sha256-([^']+)'/g)].map((m) => m[1]);
		expect(hashes).toEqual([hash]);
	});
	it('allows no inline script', () => {
		const scriptSrc = /script-src ([^;]+);/.exec(template)?.[1];
		expect(scriptSrc?.trim()).toBe("'self'");
		expect(template).not.toMatch(/unsafe-inline|unsafe-eval/);
	});
});
