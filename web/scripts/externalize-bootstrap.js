// Moves SvelteKit's inline bootstrap <script> out of every built HTML page into a file
// of its own under _app/immutable/, so the Content-Security-Policy can be
// `script-src 'self'`: no inline script, no hash that changes with each build and would
// have to be copied into the CloudFront policy. The script reads
// document.currentScript.parentElement, which works the same for an external classic
// script; its imports use absolute paths (kit.paths.relative = false).
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync, statSync, mkdirSync, existsSync, unlinkSync } from 'node:fs';
import { join, relative } from 'node:path';
import { gzipSync, brotliCompressSync } from 'node:zlib';

const root = process.argv[2] ?? 'build';
const INLINE = /<script>([\s\S]*?)<\/script>/g;

function pages(dir) {
	return readdirSync(dir).flatMap((name) => {
		const path = join(dir, name);
		if (statSync(path).isDirectory()) return pages(path);
		return name.endsWith('.html') ? [path] : [];
	});
}

// adapter-static precompresses: keep the .gz/.br twins of what we rewrite in step.
function writeWithTwins(path, text) {
	writeFileSync(path, text);
	for (const suffix of ['.gz', '.br']) {
		if (existsSync(path + suffix)) unlinkSync(path + suffix);
	}
	writeFileSync(path + '.gz', gzipSync(text, { level: 9 }));
	writeFileSync(path + '.br', brotliCompressSync(text));
}

let moved = 0;
for (const page of pages(root)) {
	const html = readFileSync(page, 'utf8');
	const rewritten = html.replace(INLINE, (_, code) => {
		const hash = createHash('sha256').update(code).digest('hex').slice(0, 12);
		const dir = join(root, '_app', 'immutable', 'bootstrap');
		mkdirSync(dir, { recursive: true });
		const file = join(dir, `${hash}.js`);
		writeWithTwins(file, code);
		moved += 1;
		return `<script src="/${relative(root, file).split('\\').join('/')}"></script>`;
	});
	if (/<script>/.test(rewritten) || /\son[a-z]+=/i.test(rewritten)) {
		throw new Error(`${page} still has an inline script or handler`);
	}
	if (rewritten !== html) writeWithTwins(page, rewritten);
}
console.log(`externalize-bootstrap: ${moved} inline script(s) moved out of the HTML`);
