import { Alert } from "@qrcoats/ui";
import { useEffect, useRef, useState } from "react";

// Loaded only when an attendant turns the camera on: it is no part of the first download.

type Detect = (video: HTMLVideoElement) => Promise<string | null>;

/** The browser's own detector (Chrome on Android, macOS, ChromeOS); lib.dom does not type it yet. */
type NativeBarcodeDetector = { detect(source: CanvasImageSource): Promise<{ rawValue: string }[]> };
type NativeBarcodeDetectorClass = {
  new (options: { formats: string[] }): NativeBarcodeDetector;
  getSupportedFormats(): Promise<string[]>;
};

/** The same code seen again this soon is the same ticket still in front of the camera. */
const REPEAT_MS = 3000;
const FRAME_MS = 150;

async function createDetector(): Promise<Detect> {
  const Native = (window as unknown as { BarcodeDetector?: NativeBarcodeDetectorClass }).BarcodeDetector;
  if (Native && (await Native.getSupportedFormats()).includes("qr_code")) {
    const detector = new Native({ formats: ["qr_code"] });
    return async (video) => (await detector.detect(video))[0]?.rawValue ?? null;
  }
  // Elsewhere (iOS, desktop Linux and Windows) jsQR decodes frames drawn on a canvas; it is
  // fetched only there.
  const { default: jsQR } = await import("jsqr");
  const canvas = document.createElement("canvas");
  const context = canvas.getContext("2d", { willReadFrequently: true })!;
  return async (video) => {
    if (!video.videoWidth) return null;
    const scale = Math.min(1, 640 / Math.max(video.videoWidth, video.videoHeight));
    canvas.width = Math.round(video.videoWidth * scale);
    canvas.height = Math.round(video.videoHeight * scale);
    context.drawImage(video, 0, 0, canvas.width, canvas.height);
    const frame = context.getImageData(0, 0, canvas.width, canvas.height);
    return jsQR(frame.data, frame.width, frame.height, { inversionAttempts: "attemptBoth" })?.data ?? null;
  };
}

function describeCameraError(error: unknown): string {
  const name = (error as { name?: string } | null)?.name;
  if (name === "NotAllowedError") return "The camera is blocked. Allow it in the browser's site settings, or type the code.";
  if (name === "NotFoundError" || name === "OverconstrainedError") return "This device has no camera to use. Type the code instead.";
  return "The camera could not start. Type the code instead.";
}

export default function CameraScanner({ onCode }: { onCode: (code: string) => void }) {
  const videoRef = useRef<HTMLVideoElement>(null);
  const onCodeRef = useRef(onCode);
  const [problem, setProblem] = useState<string | null>(null);
  const [watching, setWatching] = useState(false);

  useEffect(() => {
    onCodeRef.current = onCode;
  }, [onCode]);

  useEffect(() => {
    let stopped = false;
    let stream: MediaStream | null = null;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let last = { code: "", at: 0 };

    void (async () => {
      try {
        stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false });
        const video = videoRef.current;
        if (stopped || !video) return;
        video.srcObject = stream;
        await video.play();
        const detect = await createDetector();
        setWatching(true);
        const tick = async () => {
          if (stopped) return;
          const code = await detect(video).catch(() => null);
          if (code && (code !== last.code || Date.now() - last.at > REPEAT_MS)) {
            // A buzz tells the attendant it read, over the music.
            navigator.vibrate?.(60);
            onCodeRef.current(code);
          }
          if (code) last = { code, at: Date.now() };
          timer = setTimeout(() => void tick(), FRAME_MS);
        };
        void tick();
      } catch (error) {
        if (!stopped) setProblem(describeCameraError(error));
      }
    })();

    return () => {
      stopped = true;
      clearTimeout(timer);
      stream?.getTracks().forEach((track) => track.stop());
    };
  }, []);

  if (problem) return <Alert tone="warning">{problem}</Alert>;
  return (
    <div className="relative overflow-hidden rounded-xl bg-slate-900">
      <video ref={videoRef} muted playsInline aria-label="Camera view for scanning" className="h-48 w-full object-cover md:h-72" />
      <div
        aria-hidden
        className="pointer-events-none absolute inset-y-4 left-1/2 aspect-square -translate-x-1/2 rounded-2xl border-4 border-indigo-400/90"
      />
      <p role="status" className="absolute inset-x-0 bottom-0 bg-slate-900/70 px-3 py-2 text-center text-sm font-semibold text-white">
        {watching ? "Hold the QR code inside the frame" : "Starting the camera…"}
      </p>
    </div>
  );
}
