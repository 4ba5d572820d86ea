/**
 * Hands a file the API answered (a CSV export) to the browser as a download: the staff
 * screens fetch it with the bearer token, so a plain link cannot; a blob URL can.
 * Read the response as a Blob (`parseAs: 'blob'`), not as text: decoding drops the
 * byte-order mark that spreadsheet programs need to read the CSV as UTF-8.
 */
export function saveFile(name: string, content: Blob): void {
	const url = URL.createObjectURL(content);
	const link = document.createElement('a');
	link.href = url;
	link.download = name;
	link.click();
	setTimeout(() => URL.revokeObjectURL(url), 1000);
}
