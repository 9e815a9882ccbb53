// DataPlaneKind <-> the proto enum. A value a coordinator sends that we do
// not know is refused (the node cannot guess how its blocks would travel).

import { ProtocolError } from '../errors.js'
import './numbers.js'
import { ringcast } from './gen/ringcast.js'
import type { DataPlaneKind } from './session-params.js'

const TO_WIRE: Record<DataPlaneKind, ringcast.DataPlane> = {
  encrypted: ringcast.DataPlane.ENCRYPTED,
  'integrity-only': ringcast.DataPlane.INTEGRITY_ONLY,
  libp2p: ringcast.DataPlane.LIBP2P
}

export function dataPlaneToWire (kind: DataPlaneKind): ringcast.DataPlane {
  return TO_WIRE[kind]
}

export function dataPlaneFromWire (value: number): DataPlaneKind {
  for (const [kind, wire] of Object.entries(TO_WIRE)) if (wire === value) return kind as DataPlaneKind
  throw new ProtocolError(`the coordinator asked for data plane ${value}, which this node does not know`)
}
