// Web figures for `make bench` (benchmarks/web.py runs this against the local runtime):
// per page, the JavaScript a first visit loads (gzip level 9 of each script, as
// CloudFront or the precompressed .gz would send it, and the bytes actually sent), and
// the Largest Contentful Paint in headless Chromium with a cold cache, plain and with
// the CPU slowed 4x (a modest phone). Prints one JSON object.
import { chromium } from '@playwright/test';
import { gzipSync } from 'node:zlib';

const [, , base, runsArg] = process.argv;
const runs = Number(runsArg ?? 5);
const pages = { top: '/', calendar: '/facilities/minato-ohiradai' };
const browser = await chromium.launch({
	executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
	args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking', '--disable-component-update', '--disable-sync']
});

async function visit(path, cpuSlowdown) {
	const context = await browser.newContext({ viewport: { width: 375, height: 740 }, locale: 'ja-JP' });
	const page = await context.newPage();
	const cdp = await context.newCDPSession(page);
	await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
	if (cpuSlowdown > 1) await cdp.send('Emulation.setCPUThrottlingRate', { rate: cpuSlowdown });
	const scripts = [];
	page.on('response', async (response) => {
		if (response.request().resourceType() === 'script') scripts.push(response);
	});
	await page.goto(base + path, { waitUntil: 'networkidle' });
	// LCP settles once the data is on screen; read it after the page went quiet.
	const lcp = await page.evaluate(
		() =>
			new Promise((resolve) => {
				let last = 0;
				new PerformanceObserver((list) => {
					for (const entry of list.getEntries()) last = entry.startTime;
				}).observe({ type: 'largest-contentful-paint', buffered: true });
				setTimeout(() => resolve(last), 500);
			})
	);
	let gzip = 0;
	let raw = 0;
	for (const response of scripts) {
		const body = await response.body();
		raw += body.length;
		gzip += gzipSync(body, { level: 9 }).length;
	}
	const sent = await page.evaluate(() =>
		performance
			.getEntriesByType('resource')
			.filter((e) => e.initiatorType === 'script' || e.name.endsWith('.js'))
			.reduce((sum, e) => sum + e.transferSize, 0)
	);
	await context.close();
	return { lcp, gzip, raw, sent, files: scripts.length };
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const result = {};
for (const [name, path] of Object.entries(pages)) {
	await visit(path, 1); // warm the server (first requests of a fresh runtime are slower)
	const plain = [];
	const slow = [];
	for (let i = 0; i < runs; i++) plain.push(await visit(path, 1));
	for (let i = 0; i < runs; i++) slow.push(await visit(path, 4));
	result[name] = {
		path,
		jsGzipBytes: plain[0].gzip,
		jsRawBytes: plain[0].raw,
		jsSentBytes: plain[0].sent,
		jsFiles: plain[0].files,
		lcpMs: median(plain.map((v) => v.lcp)),
		lcpRunsMs: plain.map((v) => Math.round(v.lcp)),
		lcpCpu4xMs: median(slow.map((v) => v.lcp)),
		lcpCpu4xRunsMs: slow.map((v) => Math.round(v.lcp))
	};
}
await browser.close();
console.log(JSON.stringify(result));
