// The offline verifier's service worker (scope /verifiera): it keeps the page, its script and style, the public keys
// and the revocation list. Each is fetched from the network when there is one (so a new list is used at once) and
// kept; without network the kept copy answers, marked X-Egv-Offline so the page can say it is working offline.
// At the site's root only because a worker's scope cannot be above its own folder.

const CACHE = "egv-verifiera-3";
const KEPT = ["/verifiera", "/js/verifiera.js", "/js/qr-decoder.js", "/js/qr-worker.js", "/css/site.css", "/api/signing-keys", "/api/revocations"];

// The revocation list is kept as the page asks for it: the signed COSE alone (Accept: application/cose), the ids once.
const ASKED = { "/api/revocations": { Accept: "application/cose" } };

self.addEventListener("install", (event) => {
    event.waitUntil(caches.open(CACHE)
        .then((cache) => Promise.all(KEPT.map(async (path) => {
            const response = await fetch(new Request(path, { credentials: "omit", cache: "no-cache", headers: ASKED[path] ?? {} }));
            if (!response.ok) throw new Error(`${path}: ${response.status}`);
            await cache.put(path, response);
        })))
        .then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
    event.waitUntil(caches.keys()
        .then((names) => Promise.all(names.filter((name) => name.startsWith("egv-verifiera-") && name !== CACHE).map((name) => caches.delete(name))))
        .then(() => self.clients.claim()));
});

self.addEventListener("fetch", (event) => {
    const url = new URL(event.request.url);
    if (event.request.method !== "GET" || url.origin !== self.location.origin || !KEPT.includes(url.pathname)) return;
    event.respondWith(networkThenKept(event.request, url.pathname));
});

async function networkThenKept(request, path) {
    const cache = await caches.open(CACHE);
    try {
        const response = await fetch(request);
        if (response.ok) {
            // One copy per path, whatever the answer varies by (the list's Accept).
            await cache.delete(path, { ignoreVary: true });
            await cache.put(path, response.clone());
        }
        return response;
    } catch (error) {
        const kept = await cache.match(path, { ignoreVary: true });
        if (!kept) throw error;
        const headers = new Headers(kept.headers);
        headers.set("X-Egv-Offline", "1");
        return new Response(await kept.blob(), { status: kept.status, statusText: kept.statusText, headers });
    }
}
