// The offline verifier (/verifiera). A printed certificate's QR code carries "EGV1:" + Base45(zlib(COSE_Sign1)); this
// script checks it in the browser against the registry's public keys and signed revocation list, which it fetched
// earlier (a service worker keeps both, with the page, for use without network). Nothing about a paper is sent anywhere.
// The CBOR keys are the ones SignedCertificatePayload (certificate) and RevocationList (list) define on the server.

import { decodeQr } from "./qr-decoder.js";

const PREFIX = "EGV1:";
const LIST_CONTENT_TYPE = "application/egv-revocations+cbor";
const ES256 = -7;
// A verdict against a revocation list older than this says so.
const STALE_LIST_MS = 24 * 60 * 60 * 1000;
const words = JSON.parse(document.getElementById("ord").textContent);

// --- Base45 (RFC 9285) ---------------------------------------------------------------------------------------------

const ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";

function base45Decode(text) {
    if (text.length % 3 === 1) throw new Error("base45 length");
    const bytes = [];
    for (let i = 0; i < text.length; i += 3) {
        const chunk = text.slice(i, i + 3);
        let n = 0;
        for (let j = chunk.length - 1; j >= 0; j--) {
            const digit = ALPHABET.indexOf(chunk[j]);
            if (digit < 0) throw new Error("base45 character");
            n = n * 45 + digit;
        }
        if (chunk.length === 3) {
            if (n > 0xffff) throw new Error("base45 value");
            bytes.push(n >> 8, n & 0xff);
        } else {
            if (n > 0xff) throw new Error("base45 value");
            bytes.push(n);
        }
    }
    return new Uint8Array(bytes);
}

async function inflate(bytes) {
    // "deflate" in the Compression Streams API is the zlib format (RFC 1950), which ZLibStream writes.
    const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("deflate"));
    return new Uint8Array(await new Response(stream).arrayBuffer());
}

// --- A small CBOR reader (RFC 8949): what COSE and the two payloads use, nothing more ---------------------------------

function cborDecode(bytes) {
    let at = 0;
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    function need(n) { if (at + n > bytes.length) throw new Error("cbor truncated"); }
    function length(info) {
        if (info < 24) return info;
        if (info === 24) { need(1); return bytes[at++]; }
        if (info === 25) { need(2); const v = view.getUint16(at); at += 2; return v; }
        if (info === 26) { need(4); const v = view.getUint32(at); at += 4; return v; }
        if (info === 27) { need(8); const v = Number(view.getBigUint64(at)); at += 8; return v; }
        throw new Error("cbor indefinite length");
    }
    function item() {
        need(1);
        const initial = bytes[at++];
        const major = initial >> 5;
        const info = initial & 0x1f;
        switch (major) {
            case 0: return length(info);
            case 1: return -1 - length(info);
            case 2: { const n = length(info); need(n); const v = bytes.slice(at, at + n); at += n; return v; }
            case 3: { const n = length(info); need(n); const v = new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(at, at + n)); at += n; return v; }
            case 4: { const n = length(info); const v = []; for (let i = 0; i < n; i++) v.push(item()); return v; }
            case 5: { const n = length(info); const v = new Map(); for (let i = 0; i < n; i++) { const k = item(); v.set(k, item()); } return v; }
            case 6: return { tag: length(info), value: item() };
            default:
                if (info === 20) return false;
                if (info === 21) return true;
                if (info === 22) return null;
                throw new Error("cbor simple value");
        }
    }
    const value = item();
    if (at !== bytes.length) throw new Error("cbor trailing bytes");
    return value;
}

function cborHead(major, n) {
    if (n < 24) return [(major << 5) | n];
    if (n < 0x100) return [(major << 5) | 24, n];
    if (n < 0x10000) return [(major << 5) | 25, n >> 8, n & 0xff];
    return [(major << 5) | 26, (n >>> 24) & 0xff, (n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff];
}

// Sig_structure (RFC 9052, section 4.4): ["Signature1", protected, external_aad = h'', payload].
function toBeSigned(protectedHeader, payload) {
    const context = new TextEncoder().encode("Signature1");
    const parts = [cborHead(4, 4), cborHead(3, context.length), context, cborHead(2, protectedHeader.length), protectedHeader,
        cborHead(2, 0), cborHead(2, payload.length), payload];
    const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
    let at = 0;
    for (const part of parts) { out.set(part, at); at += part.length; }
    return out;
}

// --- COSE_Sign1 with ES256 ---------------------------------------------------------------------------------------------

function base64url(bytes) {
    return btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function hex(bytes) {
    return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** { kid, contentType, payload, protectedHeader, signature } or throws when it is not a tagged COSE_Sign1. */
function readSign1(bytes) {
    const message = cborDecode(bytes);
    if (!message || message.tag !== 18 || !Array.isArray(message.value) || message.value.length !== 4) throw new Error("not COSE_Sign1");
    const [protectedHeader, , payload, signature] = message.value;
    if (!(protectedHeader instanceof Uint8Array) || !(payload instanceof Uint8Array) || !(signature instanceof Uint8Array)) {
        throw new Error("not COSE_Sign1");
    }
    const header = cborDecode(protectedHeader);
    if (!(header instanceof Map) || header.get(1) !== ES256 || !(header.get(4) instanceof Uint8Array)) throw new Error("not ES256");
    return { kid: base64url(header.get(4)), contentType: header.get(3) ?? null, payload, protectedHeader, signature };
}

async function verifySign1(message, keys) {
    const jwk = keys.get(message.kid);
    if (!jwk) return "unknown-key";
    const key = await crypto.subtle.importKey("jwk", { kty: "EC", crv: "P-256", x: jwk.x, y: jwk.y, ext: true },
        { name: "ECDSA", namedCurve: "P-256" }, false, ["verify"]);
    const good = message.signature.length === 64 && await crypto.subtle.verify({ name: "ECDSA", hash: "SHA-256" }, key,
        message.signature, toBeSigned(message.protectedHeader, message.payload));
    return good ? null : "invalid-signature";
}

// --- Keys and revocation list --------------------------------------------------------------------------------------------

const trust = { keys: new Map(), revoked: new Set(), replaced: new Set(), issuedAt: null, fetchedAt: null, offline: false };

/** Reads through the service worker: from the network when there is one, else its copy, marked X-Egv-Offline. */
async function fetchJson(path) {
    const response = await fetch(path, { cache: "no-cache", credentials: "omit" });
    if (!response.ok) throw new Error(`${path}: ${response.status}`);
    return { json: await response.json(), offline: response.headers.get("X-Egv-Offline") === "1" };
}

/**
 * The signed revocation list as COSE bytes: asked for alone (Accept: application/cose, the ids once), read from the
 * JSON answer's `cose` should a copy of that be what the service worker kept.
 */
async function fetchList() {
    const response = await fetch("/api/revocations", { cache: "no-cache", credentials: "omit", headers: { Accept: "application/cose" } });
    if (!response.ok) throw new Error(`/api/revocations: ${response.status}`);
    const bytes = (response.headers.get("Content-Type") ?? "").startsWith("application/cose")
        ? new Uint8Array(await response.arrayBuffer())
        : Uint8Array.from(atob((await response.json()).cose), (c) => c.charCodeAt(0));
    return { bytes, offline: response.headers.get("X-Egv-Offline") === "1" };
}

async function loadTrust() {
    const status = document.getElementById("sparrlista");
    try {
        const [keys, list] = await Promise.all([fetchJson("/api/signing-keys"), fetchList()]);
        const keyMap = new Map(keys.json.keys.map((jwk) => [jwk.kid, jwk]));
        const message = readSign1(list.bytes);
        if (message.contentType !== LIST_CONTENT_TYPE || await verifySign1(message, keyMap) !== null) {
            throw new Error("the revocation list's signature does not hold");
        }
        const content = cborDecode(message.payload);
        const offline = keys.offline || list.offline;
        const fetchedAt = offline ? Number(localStorage.getItem("egv-list-fetched-at")) || null : Date.now();
        if (!offline) localStorage.setItem("egv-list-fetched-at", String(fetchedAt));
        Object.assign(trust, {
            keys: keyMap,
            revoked: new Set(content.get(2).map(hex)),
            replaced: new Set(content.get(3).map(hex)),
            issuedAt: content.get(1) * 1000,
            fetchedAt: fetchedAt ?? content.get(1) * 1000,
            offline,
        });
        status.textContent = (offline ? "Ingen anslutning: kontrollen använder den sparade spärrlistan. " : "")
            + `Spärrlistan hämtades ${when(trust.fetchedAt)}.`;
    } catch (error) {
        trust.keys = new Map();
        status.textContent = "Spärrlistan kunde inte hämtas, och ingen sparad finns. Anslut enheten till nätverket och försök igen.";
        console.warn(error);
    }
}

// --- Dates: "today" is the date in Europe/Stockholm ------------------------------------------------------------------

const MONTHS = ["januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti", "september", "oktober", "november", "december"];
const SHORT = ["jan", "feb", "mars", "apr", "maj", "juni", "juli", "aug", "sep", "okt", "nov", "dec"];

function stockholm(instant) {
    const parts = Object.fromEntries(new Intl.DateTimeFormat("en-GB", {
        timeZone: "Europe/Stockholm", year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", hourCycle: "h23",
    }).formatToParts(new Date(instant)).map((part) => [part.type, part.value]));
    return { date: `${parts.year}-${parts.month}-${parts.day}`, ...parts };
}

/** "28 nov 08:10" */
function when(instant) {
    const t = stockholm(instant);
    return `${Number(t.day)} ${SHORT[Number(t.month) - 1]} ${t.hour}:${t.minute}`;
}

/** "15 augusti 2026" */
function longDate(iso) {
    const [year, month, day] = iso.split("-").map(Number);
    return `${day} ${MONTHS[month - 1]} ${year}`;
}

/**
 * The device's date in Stockholm, but never before the day the registry signed the revocation list in hand: a device
 * whose clock is behind must not make an expired paper look valid.
 */
function today() {
    return stockholm(Math.max(Date.now(), trust.issuedAt ?? 0)).date;
}

// --- Verification ------------------------------------------------------------------------------------------------------

function uuid(bytes) {
    const h = hex(bytes);
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

function readCertificate(payload) {
    const map = cborDecode(payload);
    const text = (key) => { const v = map.get(key); if (typeof v !== "string") throw new Error(`key ${key}`); return v; };
    const id = map.get(1);
    if (!(id instanceof Uint8Array) || id.length !== 16 || !Array.isArray(map.get(4))) throw new Error("not a certificate");
    return {
        id: hex(id), childName: text(2), birthDate: text(3),
        measures: map.get(4).map(([code, performer]) => ({ code, performer })),
        validFrom: text(5), validUntil: text(6), careUnitName: text(7), careUnitPhone: text(8),
    };
}

/** { reason, certificate } with the reasons of POST /api/signed-certificates/verify. */
async function verify(text) {
    let message;
    try {
        const trimmed = text.trim();
        if (!trimmed.startsWith(PREFIX)) return { reason: "malformed" };
        message = readSign1(await inflate(base45Decode(trimmed.slice(PREFIX.length))));
        if (message.contentType !== null) return { reason: "malformed" };
    } catch {
        return { reason: "malformed" };
    }
    const refusal = await verifySign1(message, trust.keys);
    if (refusal) return { reason: refusal };
    let certificate;
    try {
        certificate = readCertificate(message.payload);
    } catch {
        return { reason: "malformed" };
    }
    const day = today();
    const reason = trust.revoked.has(certificate.id) || trust.replaced.has(certificate.id) ? "revoked"
        : day > certificate.validUntil ? "expired"
        : day < certificate.validFrom ? "not-yet-valid"
        : "valid";
    return { reason, certificate };
}

function element(tag, text, className) {
    const node = document.createElement(tag);
    if (text !== undefined) node.textContent = text;
    if (className) node.className = className;
    return node;
}

const VERDICTS = {
    valid: null,
    expired: "Inte giltigt: utgånget",
    "not-yet-valid": "Inte giltigt ännu",
    revoked: "Inte giltigt: återkallat",
    "invalid-signature": "Inte giltigt: förfalskat",
    "unknown-key": "Inte giltigt: okänd signatur",
    malformed: "Koden kunde inte läsas",
    unreadable: "Ingen QR-kod hittades i bilden",
};

function show({ reason, certificate }) {
    const result = document.getElementById("resultat");
    const box = element("section", undefined, `verdict ${reason === "valid" ? "valid" : "invalid"}`);
    box.setAttribute("aria-labelledby", "svar");
    const measures = certificate?.measures.map((m) => (words.measures[m.code] ?? m.code).toLowerCase()).join(", ");
    const heading = element("h2", reason === "valid" ? `Giltigt för: ${measures}` : VERDICTS[reason] ?? "Inte giltigt");
    heading.id = "svar";
    box.append(heading);
    if (reason === "revoked" && trust.replaced.has(certificate.id)) {
        box.append(element("p", "Intyget har ersatts av ett förnyat intyg. Be vårdnadshavarna om det nya."));
    } else if (reason === "revoked") {
        box.append(element("p", "Vården har återkallat intyget. Egenvården får inte utföras med stöd av det."));
    } else if (reason === "expired") {
        box.append(element("p", `Intyget gällde till och med ${longDate(certificate.validUntil)}. Vårdnadshavarna behöver boka en ny bedömning.`));
    } else if (reason === "not-yet-valid") {
        box.append(element("p", `Intyget gäller från ${longDate(certificate.validFrom)}.`));
    } else if (reason === "invalid-signature") {
        box.append(element("p", "Koden är inte signerad av registret, eller har ändrats efter att den signerades. Lita inte på pappret; kontakta vårdnadshavarna."));
    } else if (reason === "unknown-key") {
        box.append(element("p", "Koden är signerad med en nyckel som enheten inte känner till. Uppdatera spärrlistan med nätverk och försök igen; är det samma svar, lita inte på pappret."));
    } else if (reason === "unreadable") {
        box.append(element("p", "Ta ett nytt foto rakt framifrån, närmare koden och i bra ljus, så att hela koden syns. Eller klistra in texten."));
    } else if (reason === "malformed") {
        box.append(element("p", "Det här är inte ett egenvårdsintyg från registret, eller så lästes koden inte hela. Försök igen."));
    }
    if (certificate) {
        const facts = element("dl", undefined, "facts");
        const fact = (term, value) => { facts.append(element("dt", term), element("dd", value)); };
        fact("Barn", `${certificate.childName}, född ${longDate(certificate.birthDate)}`);
        for (const m of certificate.measures) fact(words.measures[m.code] ?? m.code, words.performers[m.performer] ?? m.performer);
        fact("Giltigt", `${longDate(certificate.validFrom)} – ${longDate(certificate.validUntil)}`);
        fact("När egenvården inte fungerar", `${certificate.careUnitName}, ${certificate.careUnitPhone}`);
        box.append(facts);
    }
    if (trust.offline) {
        box.append(element("p", `Kontrollerat utan anslutning, mot spärrlistan från ${when(trust.fetchedAt)}.`));
    }
    if ((reason === "valid" || reason === "not-yet-valid") && Date.now() - trust.issuedAt > STALE_LIST_MS) {
        // The list says when it was current (signed); a paper revoked since then still looks valid against it.
        box.append(element("p", `Spärrlistan är från ${when(trust.issuedAt)}, mer än ett dygn gammal: ett intyg som har `
            + "återkallats efter det visas ändå som giltigt. Uppdatera spärrlistan när enheten har nätverk.", "stale"));
    }
    result.replaceChildren(box);
    heading.tabIndex = -1;
    heading.focus();
}

async function check(text) {
    if (!text.trim()) return;
    show(await verify(text));
}

// --- Input: a photo or the camera, read in the page; pasted text everywhere ---------------------------------------------
// The browser's BarcodeDetector reads the code where there is one (phones); elsewhere qr-decoder.js does, on the
// pixels in this page. Either way the picture stays on the device.

// A photo is read at most 2,048 pixels on its longest side, then at 1,024 (less noise); a camera frame once, at 1,280.
const PHOTO_SIDES = [2048, 1024];
const FRAME_SIDES = [1280];

/**
 * decodeQr in a worker where the browser can start one (it keeps the page responsive), else here — also when the worker
 * fails (its pictures are copied to it, not moved, so they are still at hand).
 */
const qrReader = (() => {
    let worker = null;
    try {
        worker = new Worker("/js/qr-worker.js", { type: "module" });
    } catch {
        worker = null;
    }
    const waiting = new Map();
    let next = 0;
    worker?.addEventListener("message", ({ data }) => {
        waiting.get(data.id)?.resolve(data.text);
        waiting.delete(data.id);
    });
    worker?.addEventListener("error", () => {
        worker = null;
        for (const { resolve, pixels } of waiting.values()) resolve(decodeQr(pixels));
        waiting.clear();
    });
    return (pixels) => {
        if (!worker) return Promise.resolve(decodeQr(pixels));
        return new Promise((resolve) => {
            const id = next++;
            waiting.set(id, { resolve, pixels });
            worker.postMessage({ id, pixels });
        });
    };
})();

async function qrDetector() {
    if (!("BarcodeDetector" in window)) return null;
    try {
        const formats = await BarcodeDetector.getSupportedFormats();
        return formats.includes("qr_code") ? new BarcodeDetector({ formats: ["qr_code"] }) : null;
    } catch {
        return null;
    }
}

/** One canvas for every picture read: a camera frame comes five times a second. */
const canvas = document.createElement("canvas");
const context = canvas.getContext("2d", { willReadFrequently: true });

/** The pixels of an image or video frame, scaled down so that its longest side is at most `longest`. */
function pixels(source, width, height, longest) {
    const scale = Math.min(1, longest / Math.max(width, height));
    canvas.width = Math.max(1, Math.round(width * scale));
    canvas.height = Math.max(1, Math.round(height * scale));
    context.drawImage(source, 0, 0, canvas.width, canvas.height);
    return context.getImageData(0, 0, canvas.width, canvas.height);
}

/** The text of the QR code in a picture (a photo's bitmap or a video frame), or null. */
async function readCode(detector, source, width, height, sides) {
    if (detector) {
        const codes = await detector.detect(source).catch(() => []);
        if (codes.length > 0) return codes[0].rawValue;
    }
    for (const longest of sides) {
        const text = await qrReader(pixels(source, width, height, longest));
        if (text !== null) return text;
        if (Math.max(width, height) <= longest) break;
    }
    return null;
}

function showUnreadable() {
    show({ reason: "unreadable" });
}

function setUpScanning(detector) {
    document.getElementById("foto").addEventListener("change", async (event) => {
        const file = event.target.files?.[0];
        if (!file) return;
        document.getElementById("resultat").replaceChildren(element("p", "Läser koden i bilden …"));
        let text = null;
        try {
            const bitmap = await createImageBitmap(file);
            text = await readCode(detector, bitmap, bitmap.width, bitmap.height, PHOTO_SIDES);
            bitmap.close();
        } catch {
            text = null;
        }
        event.target.value = "";
        if (text === null) showUnreadable();
        else await check(text);
    });

    if (!navigator.mediaDevices?.getUserMedia) return;
    const start = document.getElementById("starta-kamera");
    const stop = document.getElementById("stoppa-kamera");
    const video = document.getElementById("video");
    let stream = null;
    const close = () => {
        stream?.getTracks().forEach((track) => track.stop());
        stream = null;
        video.hidden = true;
        stop.hidden = true;
        start.hidden = false;
    };
    document.getElementById("kamera").hidden = false;
    stop.addEventListener("click", close);
    start.addEventListener("click", async () => {
        try {
            stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } });
        } catch {
            document.getElementById("resultat").replaceChildren(
                element("p", "Kameran gick inte att starta. Välj ett foto av koden i stället, eller klistra in texten.", "notice warning"));
            return;
        }
        video.srcObject = stream;
        video.hidden = false;
        start.hidden = true;
        stop.hidden = false;
        await video.play();
        const scan = async () => {
            if (!stream) return;
            const text = video.videoWidth > 0 ? await readCode(detector, video, video.videoWidth, video.videoHeight, FRAME_SIDES) : null;
            if (text === null || !text.startsWith(PREFIX)) {
                setTimeout(scan, 200);
                return;
            }
            close();
            await check(text);
        };
        scan();
    });
}

document.getElementById("kontroll").addEventListener("submit", async (event) => {
    event.preventDefault();
    await check(document.getElementById("kod").value);
});
document.getElementById("uppdatera").addEventListener("click", loadTrust);

if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register("/verifiera-sw.js", { scope: "/verifiera" }).catch((error) => console.warn(error));
}
setUpScanning(await qrDetector());
await loadTrust();
document.body.dataset.ready = "true";
