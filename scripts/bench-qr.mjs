// The verifier's QR reader (src/EgenvardRegistry/wwwroot/js/qr-decoder.js), timed on synthetic photos: a printed code
// of the size a signed certificate makes (version 15, level Q, as QRCoder prints it), drawn into camera-sized frames
// turned, tilted (a projective squeeze), unevenly lit, noisy and blurred, and read back. Prints, per frame size, how
// many were read exactly and the median, 95th percentile and slowest time, and the time for a frame without a code.
// Run by scripts/bench-qr (which installs Node and Debian's qrcode-generator); a benchmark, not a test.
import { createRequire } from "node:module";
import { fileURLToPath, pathToFileURL } from "node:url";
import path from "node:path";

const here = path.dirname(fileURLToPath(import.meta.url));
const { decodeQr } = await import(pathToFileURL(path.join(here, "../src/EgenvardRegistry/wwwroot/js/qr-decoder.js")).href);
const qrcode = createRequire(import.meta.url)(process.env.QRCODE_GENERATOR ?? "/usr/share/nodejs/qrcode-generator/qrcode.js");
const poses = Number(process.argv[2] ?? 40);

// A deterministic pseudo-random sequence, so every run measures the same pictures.
let seed = 20261129;
const random = () => ((seed = (seed * 48271) % 2147483647) / 2147483647);

const ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";
const text = () => "EGV1:" + Array.from({ length: 395 }, () => ALPHABET[Math.floor(random() * 45)]).join("");

/** A frame of width × height with the code `side` pixels wide in its middle, seen as `pose` says. */
function frame(payload, width, height, side, pose) {
    const qr = qrcode(0, "Q");
    qr.addData(payload, "Alphanumeric");
    qr.make();
    const modules = qr.getModuleCount();
    const total = modules + 8;
    const data = new Uint8ClampedArray(width * height * 4);
    const cos = Math.cos(pose.turn), sin = Math.sin(pose.turn);
    const grey = new Float32Array(width * height);
    for (let y = 0; y < height; y++) {
        for (let x = 0; x < width; x++) {
            const dx = x - width / 2, dy = y - height / 2;
            let u = (cos * dx + sin * dy) / side, v = (-sin * dx + cos * dy) / side;
            const k = 1 + pose.tilt * v;
            u /= k;
            v /= k;
            const mx = Math.floor((u + 0.5) * total) - 4, my = Math.floor((v + 0.5) * total) - 4;
            const dark = mx >= 0 && my >= 0 && mx < modules && my < modules && qr.isDark(my, mx);
            const paper = Math.abs(u) < 0.75 && Math.abs(v) < 0.9;
            grey[y * width + x] = (dark ? 35 : paper ? 225 : 90) + pose.light * (x / width - 0.5) + (random() - 0.5) * pose.noise;
        }
    }
    for (let pass = 0; pass < pose.blur; pass++) {
        const copy = grey.slice();
        for (let y = 1; y < height - 1; y++) {
            for (let x = 1; x < width - 1; x++) {
                const i = y * width + x;
                grey[i] = (copy[i] * 4 + copy[i - 1] + copy[i + 1] + copy[i - width] + copy[i + width]) / 8;
            }
        }
    }
    for (let i = 0; i < grey.length; i++) {
        data[i * 4] = data[i * 4 + 1] = data[i * 4 + 2] = Math.max(0, Math.min(255, grey[i]));
        data[i * 4 + 3] = 255;
    }
    return { data, width, height };
}

function time(pixels) {
    const start = process.hrtime.bigint();
    const read = decodeQr(pixels);
    return { read, ms: Number(process.hrtime.bigint() - start) / 1e6 };
}

function percentile(sorted, p) {
    return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
}

const sizes = [
    { name: "photo 2048×1536, code 640 px (~7 px a module)", width: 2048, height: 1536, side: 640 },
    { name: "frame 1280×720, code 300 px (~3.5 px a module)", width: 1280, height: 720, side: 300 },
];
console.log(`QR reader on ${poses} poses per size (turned 0–360°, tilted up to 0.25, light ±40, noise ±15, blur 0–2)`);
console.log("| frame | read | median ms | p95 ms | slowest ms | no code ms |");
console.log("| --- | --- | --- | --- | --- | --- |");
for (const size of sizes) {
    const times = [];
    let read = 0;
    for (let i = 0; i < poses; i++) {
        const payload = text();
        const pose = { turn: random() * 2 * Math.PI, tilt: random() * 0.25, light: (random() - 0.5) * 80, noise: random() * 30, blur: Math.floor(random() * 3) };
        const result = time(frame(payload, size.width, size.height, size.side, pose));
        times.push(result.ms);
        if (result.read === payload) read++;
    }
    const empty = time(frame("", size.width, size.height, 0.0001, { turn: 0, tilt: 0, light: 40, noise: 15, blur: 1 }));
    times.sort((a, b) => a - b);
    console.log(`| ${size.name} | ${read}/${poses} | ${percentile(times, 0.5).toFixed(0)} | ${percentile(times, 0.95).toFixed(0)} | ${times.at(-1).toFixed(0)} | ${empty.ms.toFixed(0)} |`);
}
