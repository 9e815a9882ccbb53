// protobufjs decodes uint64 as a Long object whenever the `long` package is
// installed (it is: protobufjs depends on it), and --force-number does not
// change that in static code. We want plain numbers: turning Long off before
// the generated module loads makes uint64 decode to a number; values past
// 2^53 then fail our safe-integer check instead of rounding silently
// (docs/runtime-facts.md, "protobufjs decodes uint64 as Long").
// Import this module before ./gen/ringcast.js.
import $protobuf from 'protobufjs/minimal.js'

$protobuf.util.Long = undefined as unknown as typeof $protobuf.util.Long
$protobuf.configure()
