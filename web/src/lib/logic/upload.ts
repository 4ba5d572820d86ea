/**
 * The worker's proof document goes straight from the browser to S3 with the presigned
 * POST the API returned (never through the API), with progress for the screen.
 * Checked here first so a citizen hears at once what S3 and the server would refuse.
 */
import type { ProofUpload } from '$lib/api/types';

export type FileProblem = 'type' | 'size' | null;

export function checkFile(file: File, maxBytes: number, types: readonly string[]): FileProblem {
	const typeOk = types.includes(file.type) || /\.(jpe?g|png)$/i.test(file.name);
	if (!typeOk) return 'type';
	if (file.size === 0 || file.size > maxBytes) return 'size';
	return null;
}

/** The file's type as S3 must be told it: jpg/jpeg/png only. */
export function contentType(file: File): string {
	if (file.type === 'image/jpeg' || file.type === 'image/png') return file.type;
	return /\.png$/i.test(file.name) ? 'image/png' : 'image/jpeg';
}

export function uploadProof(
	upload: ProofUpload,
	file: File,
	onProgress: (percent: number) => void
): Promise<boolean> {
	const body = new FormData();
	for (const [name, value] of Object.entries(upload.fields)) body.append(name, String(value));
	body.append('Content-Type', contentType(file));
	body.append('file', file);
	return new Promise((resolve) => {
		const request = new XMLHttpRequest();
		request.open('POST', upload.url);
		request.upload.onprogress = (event) => {
			if (event.lengthComputable) onProgress(Math.round((event.loaded / event.total) * 100));
		};
		request.onload = () => {
			if (request.status >= 200 && request.status < 300) onProgress(100);
			resolve(request.status >= 200 && request.status < 300);
		};
		request.onerror = () => resolve(false);
		request.send(body);
	});
}
