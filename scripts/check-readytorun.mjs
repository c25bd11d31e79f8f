// Checks that assemblies were published ReadyToRun as Directory.Build.props asks: each is a ReadyToRun image (its
// CLI header points at a header signed "RTR") and holds code for generics of other assemblies over its types
// (READYTORUN_FLAG_UNRELATED_R2R_CODE, set by crossgen2's --non-local-generics-module), so that a cold process
// compiles less at run time. Usage: node scripts/check-readytorun.mjs FILE.dll...  Exits 1 naming what is not.
import { readFileSync } from "node:fs";
import { basename } from "node:path";

const ReadyToRunSignature = 0x00525452; // "RTR"
const UnrelatedReadyToRunCode = 0x80;   // READYTORUN_FLAG_UNRELATED_R2R_CODE (src/coreclr/inc/readytorun.h)

/** The ReadyToRun header's flags, or a sentence saying why there are none. */
function readyToRunFlags(bytes) {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint16(0, true) !== 0x5a4d) return "not a PE file";
  const pe = view.getUint32(0x3c, true);
  const sections = view.getUint16(pe + 6, true);
  const optionalSize = view.getUint16(pe + 20, true);
  const optional = pe + 24;
  const directories = optional + (view.getUint16(optional, true) === 0x20b ? 112 : 96);
  const table = optional + optionalSize;
  const offsetOf = (rva) => {
    for (let i = 0; i < sections; i++) {
      const s = table + i * 40;
      const size = Math.max(view.getUint32(s + 8, true), view.getUint32(s + 16, true));
      const address = view.getUint32(s + 12, true);
      if (rva >= address && rva < address + size) return rva - address + view.getUint32(s + 20, true);
    }
    throw new Error(`RVA 0x${rva.toString(16)} is in no section`);
  };
  const cli = view.getUint32(directories + 14 * 8, true);
  if (cli === 0) return "not a .NET assembly";
  const nativeHeader = view.getUint32(offsetOf(cli) + 64, true); // IMAGE_COR20_HEADER.ManagedNativeHeader
  if (nativeHeader === 0) return "IL only, not ReadyToRun";
  const header = offsetOf(nativeHeader);
  if (view.getUint32(header, true) !== ReadyToRunSignature) return "no ReadyToRun header";
  return view.getUint32(header + 8, true);
}

const failures = [];
for (const file of process.argv.slice(2)) {
  const flags = readyToRunFlags(readFileSync(file));
  if (typeof flags === "string") failures.push(`${basename(file)}: ${flags}`);
  else if ((flags & UnrelatedReadyToRunCode) === 0) failures.push(`${basename(file)}: ReadyToRun without other assemblies' generics over its types (flags 0x${flags.toString(16)})`);
}

if (failures.length > 0 || process.argv.length <= 2) {
  console.error(failures.length > 0
    ? failures.join("\n") + "\n(Directory.Build.props's PublishReadyToRunCrossgen2ExtraArgs asks for it. Images compiled with other options given on the command line stay in the project's obj/Release/net10.0/linux-x64/R2R until it is deleted.)"
    : "No assemblies given.");
  process.exit(1);
}
console.log(`${process.argv.length - 2} assemblies ReadyToRun with other assemblies' generics over their types`);
