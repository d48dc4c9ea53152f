/**
 * Whether a URL points somewhere only this machine or its private network can reach: loopback,
 * private and link-local ranges, and host names no public DNS answers (`localhost`, a bare
 * container name like `n8n`, `.local`, `.internal`). FastRouter fetches images from the internet.
 */
export function isLocalUrl(url: string): boolean {
	let host: string;
	try {
		host = new URL(url).hostname.toLowerCase().replace(/^\[|\]$/g, '');
	} catch {
		// Not a URL: nothing shows it is local. A broken link fails where it is used, in its own words.
		return false;
	}
	if (host.includes(':')) return isLocalIpv6(host);
	const ipv4 = host.match(/^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/);
	if (ipv4) return isLocalIpv4(ipv4.slice(1).map(Number));
	if (!host.includes('.')) return true;
	return /\.(localhost|local|internal|lan|home\.arpa|localdomain)$/.test(host);
}

function isLocalIpv4([a, b]: number[]): boolean {
	return (
		a === 0 ||
		a === 10 ||
		a === 127 ||
		(a === 100 && b >= 64 && b <= 127) ||
		(a === 169 && b === 254) ||
		(a === 172 && b >= 16 && b <= 31) ||
		(a === 192 && b === 168)
	);
}

function isLocalIpv6(host: string): boolean {
	if (host === '::1' || host === '::') return true;
	// IPv4-mapped, as the URL parser writes it: ::ffff:7f00:1 is 127.0.0.1.
	const mapped = host.match(/^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/);
	if (mapped) {
		const high = parseInt(mapped[1], 16);
		return isLocalIpv4([high >> 8, high & 0xff]);
	}
	// fc00::/7 (unique local) and fe80::/10 (link-local).
	return /^f[cd][0-9a-f]{0,2}:/.test(host) || /^fe[89ab][0-9a-f]?:/.test(host);
}
