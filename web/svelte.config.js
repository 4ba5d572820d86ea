import adapter from '@sveltejs/adapter-static';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

/** @type {import('@sveltejs/kit').Config} */
export default {
	preprocess: vitePreprocess(),
	kit: {
		// A single-page app: every path that is not a file gets the fallback page, which
		// the local runtime and CloudFront serve for deep links such as e-mailed ones.
		adapter: adapter({ fallback: 'index.html', precompress: true, strict: true }),
		// Absolute asset paths: the same fallback page is served at any depth.
		paths: { relative: false },
		// The bootstrap script is moved out of the HTML after the build
		// (scripts/externalize-bootstrap.js), so the CSP needs no hash and no 'unsafe-inline'.
		output: { preloadStrategy: 'modulepreload' },
		version: { pollInterval: 0 }
	}
};
