import { Button } from "@qrcoats/ui";
import { useEffect, useId, useState, type RefObject } from "react";

// Phones show their on-screen keyboard whenever a text field takes focus, and the counter
// keeps its field focused for hardware scanners: there it asks for no keyboard until the
// attendant wants to type. Scanners and desktop keyboards type into it either way.
const coarsePointer = typeof matchMedia === "function" && matchMedia("(pointer: coarse)").matches;

/**
 * The code field, which also takes the number printed on a ticket (digits only) for a guest
 * with no code to scan: the counter then asks to check the ticket it found. USB and Bluetooth scanners "type" the code and press Enter: it takes that
 * with no click, clears itself and is ready for the next one at once. Never disabled: a scan
 * is handled on the device, so there is nothing to wait for.
 */
export function ScanField({
  inputRef,
  onCode,
  onCamera,
  cameraOn,
}: {
  inputRef: RefObject<HTMLInputElement | null>;
  onCode: (code: string) => void;
  onCamera: () => void;
  cameraOn: boolean;
}) {
  const id = useId();
  // On a phone the keyboard it asks for is the number pad: typed tickets are typed by number.
  const [typing, setTyping] = useState<"text" | "numeric" | "none">(coarsePointer ? "none" : "text");
  useTypingGoesToField(inputRef);

  return (
    <form
      noValidate
      className="flex flex-col gap-2"
      onSubmit={(event) => {
        event.preventDefault();
        const input = inputRef.current!;
        const code = input.value.trim();
        input.value = "";
        if (code) onCode(code);
      }}
    >
      <label htmlFor={id} className="text-sm font-semibold text-slate-800">
        Scan or type a ticket code or number
      </label>
      <div className="flex gap-2">
        <input
          ref={inputRef}
          id={id}
          name="code"
          // eslint-disable-next-line jsx-a11y/no-autofocus -- the counter exists to take scans: a scanner types into this field the moment the page opens
          autoFocus
          autoComplete="off"
          autoCapitalize="none"
          autoCorrect="off"
          spellCheck={false}
          enterKeyHint="go"
          inputMode={typing}
          placeholder="Ready for the next ticket"
          className="min-h-14 min-w-0 flex-1 rounded-lg border-2 border-slate-300 bg-white px-3 font-mono text-lg text-slate-900 placeholder:font-sans placeholder:text-slate-500 focus:border-indigo-600 focus:ring-4 focus:ring-indigo-600/30 focus:outline-none"
        />
        <Button type="submit" size="lg" variant="secondary">
          Go
        </Button>
      </div>
      <div className="flex gap-2">
        <Button variant={cameraOn ? "primary" : "secondary"} className="flex-1" aria-pressed={cameraOn} onClick={onCamera}>
          {cameraOn ? "Stop camera" : "Use camera"}
        </Button>
        {typing === "none" && (
          <Button
            variant="secondary"
            onClick={() => {
              setTyping("numeric");
              inputRef.current?.focus();
            }}
          >
            Type a number
          </Button>
        )}
      </div>
    </form>
  );
}

/**
 * Keys pressed while nothing editable has focus (after tapping a button) go to the field:
 * a scan must never be lost because the attendant touched the screen first.
 */
function useTypingGoesToField(inputRef: RefObject<HTMLInputElement | null>) {
  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      // Space still presses the focused button; no code contains one.
      if (event.key.length !== 1 || event.key === " " || event.ctrlKey || event.metaKey || event.altKey) return;
      const target = event.target as HTMLElement | null;
      if (target?.closest("input, textarea, select, [contenteditable=true], dialog, [role=dialog]")) return;
      inputRef.current?.focus();
    };
    document.addEventListener("keydown", onKeyDown, true);
    return () => document.removeEventListener("keydown", onKeyDown, true);
  }, [inputRef]);
}
