import * as $protobuf from "protobufjs";
import Long = require("long");

/** Namespace ringcast. */
export namespace ringcast {

    /**
     * Properties of a Join.
     * @deprecated Use ringcast.Join.$Properties instead.
     */
    interface IJoin extends ringcast.Join.$Properties {
    }

    /** Represents a Join. */
    class Join {

        /**
         * Constructs a new Join.
         * @param [properties] Properties to set
         */
        constructor(properties?: ringcast.Join.$Properties);

        /** Unknown fields preserved while decoding when enabled */
        $unknowns?: Uint8Array[];

        /** Join protocolVersion. */
        protocolVersion: number;

        /** Join name. */
        name: string;

        /** Join token. */
        token: string;

        /** Join targetPath. */
        targetPath: string;

        /** Join targetSize. */
        targetSize: number;

        /** Join targetGrowable. */
        targetGrowable: boolean;

        /** Join listenPort. */
        listenPort: number;

        /** Join listenAddrs. */
        listenAddrs: string[];

        /** Join prefixLength. */
        prefixLength: number;

        /** Join linkBitsPerSecond. */
        linkBitsPerSecond: number;

        /** Join dataPort. */
        dataPort: number;

        /** Join targets. */
        targets: ringcast.NamedTarget.$Properties[];

        /** Join identity. */
        identity: boolean;

        /** Join rejoin. */
        rejoin?: (ringcast.Rejoin.$Properties|null);

        /**
         * Creates a new Join instance using the specified properties.
         * @param [properties] Properties to set
         * @returns Join instance
         */
        static create(properties: ringcast.Join.$Shape): ringcast.Join & ringcast.Join.$Shape;
        static create(properties?: ringcast.Join.$Properties): ringcast.Join;

        /**
         * Encodes the specified Join message. Does not implicitly {@link ringcast.Join.verify|verify} messages.
         * @param message Join message or plain object to encode
         * @param [writer] Writer to encode to
         * @returns Writer
         */
        static encode(message: ringcast.Join.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

        /**
         * Decodes a Join message from the specified reader or buffer.
         * @param reader Reader or buffer to decode from
         * @param [length] Message length if known beforehand
         * @returns {ringcast.Join & ringcast.Join.$Shape} Join
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): ringcast.Join & ringcast.Join.$Shape;

        /**
         * Gets the type url for Join
         * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
         * @returns The type url
         */
        static getTypeUrl(prefix?: string): string;
    }

    namespace Join {

        /** Properties of a Join. */
        interface $Properties {

            /** Join protocolVersion */
            protocolVersion?: (number|null);

            /** Join name */
            name?: (string|null);

            /** Join token */
            token?: (string|null);

            /** Join targetPath */
            targetPath?: (string|null);

            /** Join targetSize */
            targetSize?: (number|null);

            /** Join targetGrowable */
            targetGrowable?: (boolean|null);

            /** Join listenPort */
            listenPort?: (number|null);

            /** Join listenAddrs */
            listenAddrs?: (string[]|null);

            /** Join prefixLength */
            prefixLength?: (number|null);

            /** Join linkBitsPerSecond */
            linkBitsPerSecond?: (number|null);

            /** Join dataPort */
            dataPort?: (number|null);

            /** Join targets */
            targets?: (ringcast.NamedTarget.$Properties[]|null);

            /** Join identity */
            identity?: (boolean|null);

            /** Join rejoin */
            rejoin?: (ringcast.Rejoin.$Properties|null);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];
        }

        /** Shape of a Join. */
        type $Shape = ringcast.Join.$Properties;
    }

    /**
     * Properties of a Rejoin.
     * @deprecated Use ringcast.Rejoin.$Properties instead.
     */
    interface IRejoin extends ringcast.Rejoin.$Properties {
    }

    /** Represents a Rejoin. */
    class Rejoin {

        /**
         * Constructs a new Rejoin.
         * @param [properties] Properties to set
         */
        constructor(properties?: ringcast.Rejoin.$Properties);

        /** Unknown fields preserved while decoding when enabled */
        $unknowns?: Uint8Array[];

        /** Rejoin sessionId. */
        sessionId: Uint8Array;

        /** Rejoin writtenThrough. */
        writtenThrough: number;

        /** Rejoin bytesReceived. */
        bytesReceived: number;

        /** Rejoin resumedFrom. */
        resumedFrom: number;

        /** Rejoin doneSent. */
        doneSent: boolean;

        /** Rejoin verified. */
        verified: boolean;

        /**
         * Creates a new Rejoin instance using the specified properties.
         * @param [properties] Properties to set
         * @returns Rejoin instance
         */
        static create(properties: ringcast.Rejoin.$Shape): ringcast.Rejoin & ringcast.Rejoin.$Shape;
        static create(properties?: ringcast.Rejoin.$Properties): ringcast.Rejoin;

        /**
         * Encodes the specified Rejoin message. Does not implicitly {@link ringcast.Rejoin.verify|verify} messages.
         * @param message Rejoin message or plain object to encode
         * @param [writer] Writer to encode to
         * @returns Writer
         */
        static encode(message: ringcast.Rejoin.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

        /**
         * Decodes a Rejoin message from the specified reader or buffer.
         * @param reader Reader or buffer to decode from
         * @param [length] Message length if known beforehand
         * @returns {ringcast.Rejoin & ringcast.Rejoin.$Shape} Rejoin
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): ringcast.Rejoin & ringcast.Rejoin.$Shape;

        /**
         * Gets the type url for Rejoin
         * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
         * @returns The type url
         */
        static getTypeUrl(prefix?: string): string;
    }

    namespace Rejoin {

        /** Properties of a Rejoin. */
        interface $Properties {

            /** Rejoin sessionId */
            sessionId?: (Uint8Array|null);

            /** Rejoin writtenThrough */
            writtenThrough?: (number|null);

            /** Rejoin bytesReceived */
            bytesReceived?: (number|null);

            /** Rejoin resumedFrom */
            resumedFrom?: (number|null);

            /** Rejoin doneSent */
            doneSent?: (boolean|null);

            /** Rejoin verified */
            verified?: (boolean|null);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];
        }

        /** Shape of a Rejoin. */
        type $Shape = ringcast.Rejoin.$Properties;
    }

    /**
     * Properties of a NamedTarget.
     * @deprecated Use ringcast.NamedTarget.$Properties instead.
     */
    interface INamedTarget extends ringcast.NamedTarget.$Properties {
    }

    /** Represents a NamedTarget. */
    class NamedTarget {

        /**
         * Constructs a new NamedTarget.
         * @param [properties] Properties to set
         */
        constructor(properties?: ringcast.NamedTarget.$Properties);

        /** Unknown fields preserved while decoding when enabled */
        $unknowns?: Uint8Array[];

        /** NamedTarget name. */
        name: string;

        /** NamedTarget path. */
        path: string;

        /** NamedTarget size. */
        size: number;

        /** NamedTarget growable. */
        growable: boolean;

        /**
         * Creates a new NamedTarget instance using the specified properties.
         * @param [properties] Properties to set
         * @returns NamedTarget instance
         */
        static create(properties: ringcast.NamedTarget.$Shape): ringcast.NamedTarget & ringcast.NamedTarget.$Shape;
        static create(properties?: ringcast.NamedTarget.$Properties): ringcast.NamedTarget;

        /**
         * Encodes the specified NamedTarget message. Does not implicitly {@link ringcast.NamedTarget.verify|verify} messages.
         * @param message NamedTarget message or plain object to encode
         * @param [writer] Writer to encode to
         * @returns Writer
         */
        static encode(message: ringcast.NamedTarget.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

        /**
         * Decodes a NamedTarget message from the specified reader or buffer.
         * @param reader Reader or buffer to decode from
         * @param [length] Message length if known beforehand
         * @returns {ringcast.NamedTarget & ringcast.NamedTarget.$Shape} NamedTarget
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): ringcast.NamedTarget & ringcast.NamedTarget.$Shape;

        /**
         * Gets the type url for NamedTarget
         * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
         * @returns The type url
         */
        static getTypeUrl(prefix?: string): string;
    }

    namespace NamedTarget {

        /** Properties of a NamedTarget. */
        interface $Properties {

            /** NamedTarget name */
            name?: (string|null);

            /** NamedTarget path */
            path?: (string|null);

            /** NamedTarget size */
            size?: (number|null);

            /** NamedTarget growable */
            growable?: (boolean|null);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];
        }

        /** Shape of a NamedTarget. */
        type $Shape = ringcast.NamedTarget.$Properties;
    }

    /** DataPlane enum. */
    enum DataPlane {

        /** DATA_PLANE_UNSPECIFIED value */
        DATA_PLANE_UNSPECIFIED = 0,

        /** ENCRYPTED value */
        ENCRYPTED = 1,

        /** INTEGRITY_ONLY value */
        INTEGRITY_ONLY = 2,

        /** LIBP2P value */
        LIBP2P = 3
    }

    /**
     * Properties of a Welcome.
     * @deprecated Use ringcast.Welcome.$Properties instead.
     */
    interface IWelcome extends ringcast.Welcome.$Properties {
    }

    /** Represents a Welcome. */
    class Welcome {

        /**
         * Constructs a new Welcome.
         * @param [properties] Properties to set
         */
        constructor(properties?: ringcast.Welcome.$Properties);

        /** Unknown fields preserved while decoding when enabled */
        $unknowns?: Uint8Array[];

        /** Welcome sessionId. */
        sessionId: Uint8Array;

        /** Welcome imageName. */
        imageName: string;

        /** Welcome imageSize. */
        imageSize: number;

        /** Welcome blockSize. */
        blockSize: number;

        /** Welcome windowBytes. */
        windowBytes: number;

        /** Welcome dataPlane. */
        dataPlane: ringcast.DataPlane;

        /** Welcome parts. */
        parts: ringcast.ImagePart.$Properties[];

        /**
         * Creates a new Welcome instance using the specified properties.
         * @param [properties] Properties to set
         * @returns Welcome instance
         */
        static create(properties: ringcast.Welcome.$Shape): ringcast.Welcome & ringcast.Welcome.$Shape;
        static create(properties?: ringcast.Welcome.$Properties): ringcast.Welcome;

        /**
         * Encodes the specified Welcome message. Does not implicitly {@link ringcast.Welcome.verify|verify} messages.
         * @param message Welcome message or plain object to encode
         * @param [writer] Writer to encode to
         * @returns Writer
         */
        static encode(message: ringcast.Welcome.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

        /**
         * Decodes a Welcome message from the specified reader or buffer.
         * @param reader Reader or buffer to decode from
         * @param [length] Message length if known beforehand
         * @returns {ringcast.Welcome & ringcast.Welcome.$Shape} Welcome
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): ringcast.Welcome & ringcast.Welcome.$Shape;

        /**
         * Gets the type url for Welcome
         * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
         * @returns The type url
         */
        static getTypeUrl(prefix?: string): string;
    }

    namespace Welcome {

        /** Properties of a Welcome. */
        interface $Properties {

            /** Welcome sessionId */
            sessionId?: (Uint8Array|null);

            /** Welcome imageName */
            imageName?: (string|null);

            /** Welcome imageSize */
            imageSize?: (number|null);

            /** Welcome blockSize */
            blockSize?: (number|null);

            /** Welcome windowBytes */
            windowBytes?: (number|null);

            /** Welcome dataPlane */
            dataPlane?: (ringcast.DataPlane|null);

            /** Welcome parts */
            parts?: (ringcast.ImagePart.$Properties[]|null);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];
        }

        /** Shape of a Welcome. */
        type $Shape = ringcast.Welcome.$Properties;
    }

    /**
     * Properties of an ImagePart.
     * @deprecated Use ringcast.ImagePart.$Properties instead.
     */
    interface IImagePart extends ringcast.ImagePart.$Properties {
    }

    /** Represents an ImagePart. */
    class ImagePart {

        /**
         * Constructs a new ImagePart.
         * @param [properties] Properties to set
         */
        constructor(properties?: ringcast.ImagePart.$Properties);

        /** Unknown fields preserved while decoding when enabled */
        $unknowns?: Uint8Array[];

        /** ImagePart name. */
        name: string;

        /** ImagePart offset. */
        offset: number;

        /** ImagePart size. */
        size: number;

        /**
         * Creates a new ImagePart instance using the specified properties.
         * @param [properties] Properties to set
         * @returns ImagePart instance
         */
        static create(properties: ringcast.ImagePart.$Shape): ringcast.ImagePart & ringcast.ImagePart.$Shape;
        static create(properties?: ringcast.ImagePart.$Properties): ringcast.ImagePart;

        /**
         * Encodes the specified ImagePart message. Does not implicitly {@link ringcast.ImagePart.verify|verify} messages.
         * @param message ImagePart message or plain object to encode
         * @param [writer] Writer to encode to
         * @returns Writer
         */
        static encode(message: ringcast.ImagePart.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

        /**
         * Decodes an ImagePart message from the specified reader or buffer.
         * @param reader Reader or buffer to decode from
         * @param [length] Message length if known beforehand
         * @returns {ringcast.ImagePart & ringcast.ImagePart.$Shape} ImagePart
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): ringcast.ImagePart & ringcast.ImagePart.$Shape;

        /**
         * Gets the type url for ImagePart
         * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
         * @returns The type url
         */
        static getTypeUrl(prefix?: string): string;
    }

    namespace ImagePart {

        /** Properties of an ImagePart. */
        interface $Properties {

            /** ImagePart name */
            name?: (string|null);

            /** ImagePart offset */
            offset?: (number|null);

            /** ImagePart size */
            size?: (number|null);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];
        }

        /** Shape of an ImagePart. */
        type $Shape = ringcast.ImagePart.$Properties;
    }

    /** ErrorCode enum. */
    enum ErrorCode {

        /** ERROR_CODE_UNSPECIFIED value */
        ERROR_CODE_UNSPECIFIED = 0,

        /** USAGE value */
        USAGE = 1,

        /** IMAGE_UNREADABLE value */
        IMAGE_UNREADABLE = 2,

        /** IMAGE_EMPTY value */
        IMAGE_EMPTY = 3,

        /** TARGET_MISSING value */
        TARGET_MISSING = 4,

        /** TARGET_NOT_WRITABLE value */
        TARGET_NOT_WRITABLE = 5,

        /** TARGET_TOO_SMALL value */
        TARGET_TOO_SMALL = 6,

        /** TARGET_MOUNTED value */
        TARGET_MOUNTED = 7,

        /** TARGET_UNSUPPORTED value */
        TARGET_UNSUPPORTED = 8,

        /** TARGET_WRITE_FAILED value */
        TARGET_WRITE_FAILED = 9,

        /** KEY_INVALID value */
        KEY_INVALID = 10,

        /** BAD_TOKEN value */
        BAD_TOKEN = 11,

        /** VERSION value */
        VERSION = 12,

        /** REFUSED value */
        REFUSED = 13,

        /** UNREACHABLE value */
        UNREACHABLE = 14,

        /** PROTOCOL value */
        PROTOCOL = 15,

        /** INTEGRITY value */
        INTEGRITY = 16,

        /** PEER_GONE value */
        PEER_GONE = 17,

        /** STALLED value */
        STALLED = 18,

        /** RESTARTED value */
        RESTARTED = 19,

        /** COORDINATOR_GONE value */
        COORDINATOR_GONE = 20,

        /** NO_NODES value */
        NO_NODES = 21,

        /** CLONE_FAILED value */
        CLONE_FAILED = 22,

        /** JOURNAL value */
        JOURNAL = 23,

        /** INTERRUPTED value */
        INTERRUPTED = 24,

        /** INTERNAL value */
        INTERNAL = 25,

        /** ARCHIVE_REFUSED value */
        ARCHIVE_REFUSED = 26,

        /** IDENTITY_FAILED value */
        IDENTITY_FAILED = 27
    }

    /**
     * Properties of a Refuse.
     * @deprecated Use ringcast.Refuse.$Properties instead.
     */
    interface IRefuse extends ringcast.Refuse.$Properties {
    }

    /** Represents a Refuse. */
    class Refuse {

        /**
         * Constructs a new Refuse.
         * @param [properties] Properties to set
         */
        constructor(properties?: ringcast.Refuse.$Properties);

        /** Unknown fields preserved while decoding when enabled */
        $unknowns?: Uint8Array[];

        /** Refuse reason. */
        reason: string;

        /** Refuse code. */
        code: ringcast.ErrorCode;

        /**
         * Creates a new Refuse instance using the specified properties.
         * @param [properties] Properties to set
         * @returns Refuse instance
         */
        static create(properties: ringcast.Refuse.$Shape): ringcast.Refuse & ringcast.Refuse.$Shape;
        static create(properties?: ringcast.Refuse.$Properties): ringcast.Refuse;

        /**
         * Encodes the specified Refuse message. Does not implicitly {@link ringcast.Refuse.verify|verify} messages.
         * @param message Refuse message or plain object to encode
         * @param [writer] Writer to encode to
         * @returns Writer
         */
        static encode(message: ringcast.Refuse.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

        /**
         * Decodes a Refuse message from the specified reader or buffer.
         * @param reader Reader or buffer to decode from
         * @param [length] Message length if known beforehand
         * @returns {ringcast.Refuse & ringcast.Refuse.$Shape} Refuse
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): ringcast.Refuse & ringcast.Refuse.$Shape;

        /**
         * Gets the type url for Refuse
         * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
         * @returns The type url
         */
        static getTypeUrl(prefix?: string): string;
    }

    namespace Refuse {

        /** Properties of a Refuse. */
        interface $Properties {

            /** Refuse reason */
            reason?: (string|null);

            /** Refuse code */
            code?: (ringcast.ErrorCode|null);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];
        }

        /** Shape of a Refuse. */
        type $Shape = ringcast.Refuse.$Properties;
    }

    /**
     * Properties of a Plan.
     * @deprecated Use ringcast.Plan.$Properties instead.
     */
    interface IPlan extends ringcast.Plan.$Properties {
    }

    /** Represents a Plan. */
    class Plan {

        /**
         * Constructs a new Plan.
         * @param [properties] Properties to set
         */
        constructor(properties?: ringcast.Plan.$Properties);

        /** Unknown fields preserved while decoding when enabled */
        $unknowns?: Uint8Array[];

        /** Plan upstreamPeer. */
        upstreamPeer: string;

        /** Plan position. */
        position: number;

        /** Plan chainLength. */
        chainLength: number;

        /** Plan downstreams. */
        downstreams: ringcast.Downstream.$Properties[];

        /** Plan depth. */
        depth: number;

        /** Plan upstreamHopId. */
        upstreamHopId: string;

        /** Plan upstreamHopKey. */
        upstreamHopKey: Uint8Array;

        /**
         * Creates a new Plan instance using the specified properties.
         * @param [properties] Properties to set
         * @returns Plan instance
         */
        static create(properties: ringcast.Plan.$Shape): ringcast.Plan & ringcast.Plan.$Shape;
        static create(properties?: ringcast.Plan.$Properties): ringcast.Plan;

        /**
         * Encodes the specified Plan message. Does not implicitly {@link ringcast.Plan.verify|verify} messages.
         * @param message Plan message or plain object to encode
         * @param [writer] Writer to encode to
         * @returns Writer
         */
        static encode(message: ringcast.Plan.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

        /**
         * Decodes a Plan message from the specified reader or buffer.
         * @param reader Reader or buffer to decode from
         * @param [length] Message length if known beforehand
         * @returns {ringcast.Plan & ringcast.Plan.$Shape} Plan
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): ringcast.Plan & ringcast.Plan.$Shape;

        /**
         * Gets the type url for Plan
         * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
         * @returns The type url
         */
        static getTypeUrl(prefix?: string): string;
    }

    namespace Plan {

        /** Properties of a Plan. */
        interface $Properties {

            /** Plan upstreamPeer */
            upstreamPeer?: (string|null);

            /** Plan position */
            position?: (number|null);

            /** Plan chainLength */
            chainLength?: (number|null);

            /** Plan downstreams */
            downstreams?: (ringcast.Downstream.$Properties[]|null);

            /** Plan depth */
            depth?: (number|null);

            /** Plan upstreamHopId */
            upstreamHopId?: (string|null);

            /** Plan upstreamHopKey */
            upstreamHopKey?: (Uint8Array|null);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];
        }

        /** Shape of a Plan. */
        type $Shape = ringcast.Plan.$Properties;
    }

    /**
     * Properties of a Downstream.
     * @deprecated Use ringcast.Downstream.$Properties instead.
     */
    interface IDownstream extends ringcast.Downstream.$Properties {
    }

    /** Represents a Downstream. */
    class Downstream {

        /**
         * Constructs a new Downstream.
         * @param [properties] Properties to set
         */
        constructor(properties?: ringcast.Downstream.$Properties);

        /** Unknown fields preserved while decoding when enabled */
        $unknowns?: Uint8Array[];

        /** Downstream peer. */
        peer: string;

        /** Downstream addrs. */
        addrs: string[];

        /** Downstream background. */
        background: boolean;

        /** Downstream hopId. */
        hopId: string;

        /** Downstream hopKey. */
        hopKey: Uint8Array;

        /** Downstream dataHosts. */
        dataHosts: string[];

        /** Downstream dataPort. */
        dataPort: number;

        /**
         * Creates a new Downstream instance using the specified properties.
         * @param [properties] Properties to set
         * @returns Downstream instance
         */
        static create(properties: ringcast.Downstream.$Shape): ringcast.Downstream & ringcast.Downstream.$Shape;
        static create(properties?: ringcast.Downstream.$Properties): ringcast.Downstream;

        /**
         * Encodes the specified Downstream message. Does not implicitly {@link ringcast.Downstream.verify|verify} messages.
         * @param message Downstream message or plain object to encode
         * @param [writer] Writer to encode to
         * @returns Writer
         */
        static encode(message: ringcast.Downstream.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

        /**
         * Decodes a Downstream message from the specified reader or buffer.
         * @param reader Reader or buffer to decode from
         * @param [length] Message length if known beforehand
         * @returns {ringcast.Downstream & ringcast.Downstream.$Shape} Downstream
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): ringcast.Downstream & ringcast.Downstream.$Shape;

        /**
         * Gets the type url for Downstream
         * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
         * @returns The type url
         */
        static getTypeUrl(prefix?: string): string;
    }

    namespace Downstream {

        /** Properties of a Downstream. */
        interface $Properties {

            /** Downstream peer */
            peer?: (string|null);

            /** Downstream addrs */
            addrs?: (string[]|null);

            /** Downstream background */
            background?: (boolean|null);

            /** Downstream hopId */
            hopId?: (string|null);

            /** Downstream hopKey */
            hopKey?: (Uint8Array|null);

            /** Downstream dataHosts */
            dataHosts?: (string[]|null);

            /** Downstream dataPort */
            dataPort?: (number|null);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];
        }

        /** Shape of a Downstream. */
        type $Shape = ringcast.Downstream.$Properties;
    }

    /**
     * Properties of a Progress.
     * @deprecated Use ringcast.Progress.$Properties instead.
     */
    interface IProgress extends ringcast.Progress.$Properties {
    }

    /** Represents a Progress. */
    class Progress {

        /**
         * Constructs a new Progress.
         * @param [properties] Properties to set
         */
        constructor(properties?: ringcast.Progress.$Properties);

        /** Unknown fields preserved while decoding when enabled */
        $unknowns?: Uint8Array[];

        /** Progress writtenThrough. */
        writtenThrough: number;

        /** Progress bytesReceived. */
        bytesReceived: number;

        /** Progress resumedFrom. */
        resumedFrom: number;

        /** Progress downstreamPeer. */
        downstreamPeer: string;

        /** Progress downstreamError. */
        downstreamError: string;

        /** Progress stalledDownstreams. */
        stalledDownstreams: string[];

        /** Progress lyingUpstream. */
        lyingUpstream: string;

        /** Progress lie. */
        lie: string;

        /** Progress lieBlockEnd. */
        lieBlockEnd: number;

        /** Progress unwrittenBytes. */
        unwrittenBytes: number;

        /**
         * Creates a new Progress instance using the specified properties.
         * @param [properties] Properties to set
         * @returns Progress instance
         */
        static create(properties: ringcast.Progress.$Shape): ringcast.Progress & ringcast.Progress.$Shape;
        static create(properties?: ringcast.Progress.$Properties): ringcast.Progress;

        /**
         * Encodes the specified Progress message. Does not implicitly {@link ringcast.Progress.verify|verify} messages.
         * @param message Progress message or plain object to encode
         * @param [writer] Writer to encode to
         * @returns Writer
         */
        static encode(message: ringcast.Progress.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

        /**
         * Decodes a Progress message from the specified reader or buffer.
         * @param reader Reader or buffer to decode from
         * @param [length] Message length if known beforehand
         * @returns {ringcast.Progress & ringcast.Progress.$Shape} Progress
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): ringcast.Progress & ringcast.Progress.$Shape;

        /**
         * Gets the type url for Progress
         * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
         * @returns The type url
         */
        static getTypeUrl(prefix?: string): string;
    }

    namespace Progress {

        /** Properties of a Progress. */
        interface $Properties {

            /** Progress writtenThrough */
            writtenThrough?: (number|null);

            /** Progress bytesReceived */
            bytesReceived?: (number|null);

            /** Progress resumedFrom */
            resumedFrom?: (number|null);

            /** Progress downstreamPeer */
            downstreamPeer?: (string|null);

            /** Progress downstreamError */
            downstreamError?: (string|null);

            /** Progress stalledDownstreams */
            stalledDownstreams?: (string[]|null);

            /** Progress lyingUpstream */
            lyingUpstream?: (string|null);

            /** Progress lie */
            lie?: (string|null);

            /** Progress lieBlockEnd */
            lieBlockEnd?: (number|null);

            /** Progress unwrittenBytes */
            unwrittenBytes?: (number|null);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];
        }

        /** Shape of a Progress. */
        type $Shape = ringcast.Progress.$Properties;
    }

    /**
     * Properties of a Done.
     * @deprecated Use ringcast.Done.$Properties instead.
     */
    interface IDone extends ringcast.Done.$Properties {
    }

    /** Represents a Done. */
    class Done {

        /**
         * Constructs a new Done.
         * @param [properties] Properties to set
         */
        constructor(properties?: ringcast.Done.$Properties);

        /** Unknown fields preserved while decoding when enabled */
        $unknowns?: Uint8Array[];

        /** Done sha256. */
        sha256: Uint8Array;

        /** Done bytesWritten. */
        bytesWritten: number;

        /** Done elapsedMs. */
        elapsedMs: number;

        /** Done peakRssBytes. */
        peakRssBytes: number;

        /** Done peakInflightBytes. */
        peakInflightBytes: number;

        /** Done bytesReceived. */
        bytesReceived: number;

        /** Done resumedFrom. */
        resumedFrom: number;

        /** Done readBack. */
        readBack: boolean;

        /**
         * Creates a new Done instance using the specified properties.
         * @param [properties] Properties to set
         * @returns Done instance
         */
        static create(properties: ringcast.Done.$Shape): ringcast.Done & ringcast.Done.$Shape;
        static create(properties?: ringcast.Done.$Properties): ringcast.Done;

        /**
         * Encodes the specified Done message. Does not implicitly {@link ringcast.Done.verify|verify} messages.
         * @param message Done message or plain object to encode
         * @param [writer] Writer to encode to
         * @returns Writer
         */
        static encode(message: ringcast.Done.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

        /**
         * Decodes a Done message from the specified reader or buffer.
         * @param reader Reader or buffer to decode from
         * @param [length] Message length if known beforehand
         * @returns {ringcast.Done & ringcast.Done.$Shape} Done
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): ringcast.Done & ringcast.Done.$Shape;

        /**
         * Gets the type url for Done
         * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
         * @returns The type url
         */
        static getTypeUrl(prefix?: string): string;
    }

    namespace Done {

        /** Properties of a Done. */
        interface $Properties {

            /** Done sha256 */
            sha256?: (Uint8Array|null);

            /** Done bytesWritten */
            bytesWritten?: (number|null);

            /** Done elapsedMs */
            elapsedMs?: (number|null);

            /** Done peakRssBytes */
            peakRssBytes?: (number|null);

            /** Done peakInflightBytes */
            peakInflightBytes?: (number|null);

            /** Done bytesReceived */
            bytesReceived?: (number|null);

            /** Done resumedFrom */
            resumedFrom?: (number|null);

            /** Done readBack */
            readBack?: (boolean|null);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];
        }

        /** Shape of a Done. */
        type $Shape = ringcast.Done.$Properties;
    }

    /**
     * Properties of a Challenge.
     * @deprecated Use ringcast.Challenge.$Properties instead.
     */
    interface IChallenge extends ringcast.Challenge.$Properties {
    }

    /** Represents a Challenge. */
    class Challenge {

        /**
         * Constructs a new Challenge.
         * @param [properties] Properties to set
         */
        constructor(properties?: ringcast.Challenge.$Properties);

        /** Unknown fields preserved while decoding when enabled */
        $unknowns?: Uint8Array[];

        /** Challenge nonce. */
        nonce: Uint8Array;

        /** Challenge blocks. */
        blocks: number[];

        /**
         * Creates a new Challenge instance using the specified properties.
         * @param [properties] Properties to set
         * @returns Challenge instance
         */
        static create(properties: ringcast.Challenge.$Shape): ringcast.Challenge & ringcast.Challenge.$Shape;
        static create(properties?: ringcast.Challenge.$Properties): ringcast.Challenge;

        /**
         * Encodes the specified Challenge message. Does not implicitly {@link ringcast.Challenge.verify|verify} messages.
         * @param message Challenge message or plain object to encode
         * @param [writer] Writer to encode to
         * @returns Writer
         */
        static encode(message: ringcast.Challenge.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

        /**
         * Decodes a Challenge message from the specified reader or buffer.
         * @param reader Reader or buffer to decode from
         * @param [length] Message length if known beforehand
         * @returns {ringcast.Challenge & ringcast.Challenge.$Shape} Challenge
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): ringcast.Challenge & ringcast.Challenge.$Shape;

        /**
         * Gets the type url for Challenge
         * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
         * @returns The type url
         */
        static getTypeUrl(prefix?: string): string;
    }

    namespace Challenge {

        /** Properties of a Challenge. */
        interface $Properties {

            /** Challenge nonce */
            nonce?: (Uint8Array|null);

            /** Challenge blocks */
            blocks?: (number[]|null);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];
        }

        /** Shape of a Challenge. */
        type $Shape = ringcast.Challenge.$Properties;
    }

    /**
     * Properties of a Proof.
     * @deprecated Use ringcast.Proof.$Properties instead.
     */
    interface IProof extends ringcast.Proof.$Properties {
    }

    /** Represents a Proof. */
    class Proof {

        /**
         * Constructs a new Proof.
         * @param [properties] Properties to set
         */
        constructor(properties?: ringcast.Proof.$Properties);

        /** Unknown fields preserved while decoding when enabled */
        $unknowns?: Uint8Array[];

        /** Proof hashes. */
        hashes: Uint8Array[];

        /** Proof error. */
        error: string;

        /**
         * Creates a new Proof instance using the specified properties.
         * @param [properties] Properties to set
         * @returns Proof instance
         */
        static create(properties: ringcast.Proof.$Shape): ringcast.Proof & ringcast.Proof.$Shape;
        static create(properties?: ringcast.Proof.$Properties): ringcast.Proof;

        /**
         * Encodes the specified Proof message. Does not implicitly {@link ringcast.Proof.verify|verify} messages.
         * @param message Proof message or plain object to encode
         * @param [writer] Writer to encode to
         * @returns Writer
         */
        static encode(message: ringcast.Proof.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

        /**
         * Decodes a Proof message from the specified reader or buffer.
         * @param reader Reader or buffer to decode from
         * @param [length] Message length if known beforehand
         * @returns {ringcast.Proof & ringcast.Proof.$Shape} Proof
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): ringcast.Proof & ringcast.Proof.$Shape;

        /**
         * Gets the type url for Proof
         * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
         * @returns The type url
         */
        static getTypeUrl(prefix?: string): string;
    }

    namespace Proof {

        /** Properties of a Proof. */
        interface $Properties {

            /** Proof hashes */
            hashes?: (Uint8Array[]|null);

            /** Proof error */
            error?: (string|null);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];
        }

        /** Shape of a Proof. */
        type $Shape = ringcast.Proof.$Properties;
    }

    /**
     * Properties of a Failed.
     * @deprecated Use ringcast.Failed.$Properties instead.
     */
    interface IFailed extends ringcast.Failed.$Properties {
    }

    /** Represents a Failed. */
    class Failed {

        /**
         * Constructs a new Failed.
         * @param [properties] Properties to set
         */
        constructor(properties?: ringcast.Failed.$Properties);

        /** Unknown fields preserved while decoding when enabled */
        $unknowns?: Uint8Array[];

        /** Failed reason. */
        reason: string;

        /** Failed writtenThrough. */
        writtenThrough: number;

        /** Failed code. */
        code: ringcast.ErrorCode;

        /**
         * Creates a new Failed instance using the specified properties.
         * @param [properties] Properties to set
         * @returns Failed instance
         */
        static create(properties: ringcast.Failed.$Shape): ringcast.Failed & ringcast.Failed.$Shape;
        static create(properties?: ringcast.Failed.$Properties): ringcast.Failed;

        /**
         * Encodes the specified Failed message. Does not implicitly {@link ringcast.Failed.verify|verify} messages.
         * @param message Failed message or plain object to encode
         * @param [writer] Writer to encode to
         * @returns Writer
         */
        static encode(message: ringcast.Failed.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

        /**
         * Decodes a Failed message from the specified reader or buffer.
         * @param reader Reader or buffer to decode from
         * @param [length] Message length if known beforehand
         * @returns {ringcast.Failed & ringcast.Failed.$Shape} Failed
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): ringcast.Failed & ringcast.Failed.$Shape;

        /**
         * Gets the type url for Failed
         * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
         * @returns The type url
         */
        static getTypeUrl(prefix?: string): string;
    }

    namespace Failed {

        /** Properties of a Failed. */
        interface $Properties {

            /** Failed reason */
            reason?: (string|null);

            /** Failed writtenThrough */
            writtenThrough?: (number|null);

            /** Failed code */
            code?: (ringcast.ErrorCode|null);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];
        }

        /** Shape of a Failed. */
        type $Shape = ringcast.Failed.$Properties;
    }

    /**
     * Properties of a Verdict.
     * @deprecated Use ringcast.Verdict.$Properties instead.
     */
    interface IVerdict extends ringcast.Verdict.$Properties {
    }

    /** Represents a Verdict. */
    class Verdict {

        /**
         * Constructs a new Verdict.
         * @param [properties] Properties to set
         */
        constructor(properties?: ringcast.Verdict.$Properties);

        /** Unknown fields preserved while decoding when enabled */
        $unknowns?: Uint8Array[];

        /** Verdict verified. */
        verified: boolean;

        /** Verdict sourceSha256. */
        sourceSha256: Uint8Array;

        /** Verdict reason. */
        reason: string;

        /** Verdict hostname. */
        hostname: string;

        /** Verdict fields. */
        fields: ringcast.IdentityField.$Properties[];

        /**
         * Creates a new Verdict instance using the specified properties.
         * @param [properties] Properties to set
         * @returns Verdict instance
         */
        static create(properties: ringcast.Verdict.$Shape): ringcast.Verdict & ringcast.Verdict.$Shape;
        static create(properties?: ringcast.Verdict.$Properties): ringcast.Verdict;

        /**
         * Encodes the specified Verdict message. Does not implicitly {@link ringcast.Verdict.verify|verify} messages.
         * @param message Verdict message or plain object to encode
         * @param [writer] Writer to encode to
         * @returns Writer
         */
        static encode(message: ringcast.Verdict.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

        /**
         * Decodes a Verdict message from the specified reader or buffer.
         * @param reader Reader or buffer to decode from
         * @param [length] Message length if known beforehand
         * @returns {ringcast.Verdict & ringcast.Verdict.$Shape} Verdict
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): ringcast.Verdict & ringcast.Verdict.$Shape;

        /**
         * Gets the type url for Verdict
         * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
         * @returns The type url
         */
        static getTypeUrl(prefix?: string): string;
    }

    namespace Verdict {

        /** Properties of a Verdict. */
        interface $Properties {

            /** Verdict verified */
            verified?: (boolean|null);

            /** Verdict sourceSha256 */
            sourceSha256?: (Uint8Array|null);

            /** Verdict reason */
            reason?: (string|null);

            /** Verdict hostname */
            hostname?: (string|null);

            /** Verdict fields */
            fields?: (ringcast.IdentityField.$Properties[]|null);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];
        }

        /** Shape of a Verdict. */
        type $Shape = ringcast.Verdict.$Properties;
    }

    /**
     * Properties of an IdentityField.
     * @deprecated Use ringcast.IdentityField.$Properties instead.
     */
    interface IIdentityField extends ringcast.IdentityField.$Properties {
    }

    /** Represents an IdentityField. */
    class IdentityField {

        /**
         * Constructs a new IdentityField.
         * @param [properties] Properties to set
         */
        constructor(properties?: ringcast.IdentityField.$Properties);

        /** Unknown fields preserved while decoding when enabled */
        $unknowns?: Uint8Array[];

        /** IdentityField name. */
        name: string;

        /** IdentityField value. */
        value: string;

        /**
         * Creates a new IdentityField instance using the specified properties.
         * @param [properties] Properties to set
         * @returns IdentityField instance
         */
        static create(properties: ringcast.IdentityField.$Shape): ringcast.IdentityField & ringcast.IdentityField.$Shape;
        static create(properties?: ringcast.IdentityField.$Properties): ringcast.IdentityField;

        /**
         * Encodes the specified IdentityField message. Does not implicitly {@link ringcast.IdentityField.verify|verify} messages.
         * @param message IdentityField message or plain object to encode
         * @param [writer] Writer to encode to
         * @returns Writer
         */
        static encode(message: ringcast.IdentityField.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

        /**
         * Decodes an IdentityField message from the specified reader or buffer.
         * @param reader Reader or buffer to decode from
         * @param [length] Message length if known beforehand
         * @returns {ringcast.IdentityField & ringcast.IdentityField.$Shape} IdentityField
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): ringcast.IdentityField & ringcast.IdentityField.$Shape;

        /**
         * Gets the type url for IdentityField
         * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
         * @returns The type url
         */
        static getTypeUrl(prefix?: string): string;
    }

    namespace IdentityField {

        /** Properties of an IdentityField. */
        interface $Properties {

            /** IdentityField name */
            name?: (string|null);

            /** IdentityField value */
            value?: (string|null);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];
        }

        /** Shape of an IdentityField. */
        type $Shape = ringcast.IdentityField.$Properties;
    }

    /**
     * Properties of an IdentityDone.
     * @deprecated Use ringcast.IdentityDone.$Properties instead.
     */
    interface IIdentityDone extends ringcast.IdentityDone.$Properties {
    }

    /** Represents an IdentityDone. */
    class IdentityDone {

        /**
         * Constructs a new IdentityDone.
         * @param [properties] Properties to set
         */
        constructor(properties?: ringcast.IdentityDone.$Properties);

        /** Unknown fields preserved while decoding when enabled */
        $unknowns?: Uint8Array[];

        /** IdentityDone ok. */
        ok: boolean;

        /** IdentityDone reason. */
        reason: string;

        /**
         * Creates a new IdentityDone instance using the specified properties.
         * @param [properties] Properties to set
         * @returns IdentityDone instance
         */
        static create(properties: ringcast.IdentityDone.$Shape): ringcast.IdentityDone & ringcast.IdentityDone.$Shape;
        static create(properties?: ringcast.IdentityDone.$Properties): ringcast.IdentityDone;

        /**
         * Encodes the specified IdentityDone message. Does not implicitly {@link ringcast.IdentityDone.verify|verify} messages.
         * @param message IdentityDone message or plain object to encode
         * @param [writer] Writer to encode to
         * @returns Writer
         */
        static encode(message: ringcast.IdentityDone.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

        /**
         * Decodes an IdentityDone message from the specified reader or buffer.
         * @param reader Reader or buffer to decode from
         * @param [length] Message length if known beforehand
         * @returns {ringcast.IdentityDone & ringcast.IdentityDone.$Shape} IdentityDone
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): ringcast.IdentityDone & ringcast.IdentityDone.$Shape;

        /**
         * Gets the type url for IdentityDone
         * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
         * @returns The type url
         */
        static getTypeUrl(prefix?: string): string;
    }

    namespace IdentityDone {

        /** Properties of an IdentityDone. */
        interface $Properties {

            /** IdentityDone ok */
            ok?: (boolean|null);

            /** IdentityDone reason */
            reason?: (string|null);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];
        }

        /** Shape of an IdentityDone. */
        type $Shape = ringcast.IdentityDone.$Properties;
    }

    /**
     * Properties of a ControlMessage.
     * @deprecated Use ringcast.ControlMessage.$Properties instead.
     */
    interface IControlMessage extends ringcast.ControlMessage.$Properties {
    }

    /** Represents a ControlMessage. */
    class ControlMessage {

        /**
         * Constructs a new ControlMessage.
         * @param [properties] Properties to set
         */
        constructor(properties?: ringcast.ControlMessage.$Properties);

        /** Unknown fields preserved while decoding when enabled */
        $unknowns?: Uint8Array[];

        /** ControlMessage join. */
        join?: (ringcast.Join.$Properties|null);

        /** ControlMessage welcome. */
        welcome?: (ringcast.Welcome.$Properties|null);

        /** ControlMessage refuse. */
        refuse?: (ringcast.Refuse.$Properties|null);

        /** ControlMessage plan. */
        plan?: (ringcast.Plan.$Properties|null);

        /** ControlMessage progress. */
        progress?: (ringcast.Progress.$Properties|null);

        /** ControlMessage done. */
        done?: (ringcast.Done.$Properties|null);

        /** ControlMessage failed. */
        failed?: (ringcast.Failed.$Properties|null);

        /** ControlMessage verdict. */
        verdict?: (ringcast.Verdict.$Properties|null);

        /** ControlMessage challenge. */
        challenge?: (ringcast.Challenge.$Properties|null);

        /** ControlMessage proof. */
        proof?: (ringcast.Proof.$Properties|null);

        /** ControlMessage identityDone. */
        identityDone?: (ringcast.IdentityDone.$Properties|null);

        /** ControlMessage body. */
        body?: ("join"|"welcome"|"refuse"|"plan"|"progress"|"done"|"failed"|"verdict"|"challenge"|"proof"|"identityDone");

        /**
         * Creates a new ControlMessage instance using the specified properties.
         * @param [properties] Properties to set
         * @returns ControlMessage instance
         */
        static create(properties: ringcast.ControlMessage.$Shape): ringcast.ControlMessage & ringcast.ControlMessage.$Shape;
        static create(properties?: ringcast.ControlMessage.$Properties): ringcast.ControlMessage;

        /**
         * Encodes the specified ControlMessage message. Does not implicitly {@link ringcast.ControlMessage.verify|verify} messages.
         * @param message ControlMessage message or plain object to encode
         * @param [writer] Writer to encode to
         * @returns Writer
         */
        static encode(message: ringcast.ControlMessage.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

        /**
         * Decodes a ControlMessage message from the specified reader or buffer.
         * @param reader Reader or buffer to decode from
         * @param [length] Message length if known beforehand
         * @returns {ringcast.ControlMessage & ringcast.ControlMessage.$Shape} ControlMessage
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): ringcast.ControlMessage & ringcast.ControlMessage.$Shape;

        /**
         * Gets the type url for ControlMessage
         * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
         * @returns The type url
         */
        static getTypeUrl(prefix?: string): string;
    }

    namespace ControlMessage {

        /** Properties of a ControlMessage. */
        interface $Properties {

            /** ControlMessage join */
            join?: (ringcast.Join.$Properties|null);

            /** ControlMessage welcome */
            welcome?: (ringcast.Welcome.$Properties|null);

            /** ControlMessage refuse */
            refuse?: (ringcast.Refuse.$Properties|null);

            /** ControlMessage plan */
            plan?: (ringcast.Plan.$Properties|null);

            /** ControlMessage progress */
            progress?: (ringcast.Progress.$Properties|null);

            /** ControlMessage done */
            done?: (ringcast.Done.$Properties|null);

            /** ControlMessage failed */
            failed?: (ringcast.Failed.$Properties|null);

            /** ControlMessage verdict */
            verdict?: (ringcast.Verdict.$Properties|null);

            /** ControlMessage challenge */
            challenge?: (ringcast.Challenge.$Properties|null);

            /** ControlMessage proof */
            proof?: (ringcast.Proof.$Properties|null);

            /** ControlMessage identityDone */
            identityDone?: (ringcast.IdentityDone.$Properties|null);

            /** ControlMessage body */
            body?: ("join"|"welcome"|"refuse"|"plan"|"progress"|"done"|"failed"|"verdict"|"challenge"|"proof"|"identityDone");

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];
        }

        /** Narrowed shape of a ControlMessage. */
        type $Shape = {
          join?: ringcast.Join.$Shape|null;
          welcome?: ringcast.Welcome.$Shape|null;
          refuse?: ringcast.Refuse.$Shape|null;
          plan?: ringcast.Plan.$Shape|null;
          progress?: ringcast.Progress.$Shape|null;
          done?: ringcast.Done.$Shape|null;
          failed?: ringcast.Failed.$Shape|null;
          verdict?: ringcast.Verdict.$Shape|null;
          challenge?: ringcast.Challenge.$Shape|null;
          proof?: ringcast.Proof.$Shape|null;
          identityDone?: ringcast.IdentityDone.$Shape|null;
          $unknowns?: Uint8Array[];
        } & (
          ({ body?: undefined; join?: null; welcome?: null; refuse?: null; plan?: null; progress?: null; done?: null; failed?: null; verdict?: null; challenge?: null; proof?: null; identityDone?: null }|{ body?: "join"; join: ringcast.Join.$Shape; welcome?: null; refuse?: null; plan?: null; progress?: null; done?: null; failed?: null; verdict?: null; challenge?: null; proof?: null; identityDone?: null }|{ body?: "welcome"; join?: null; welcome: ringcast.Welcome.$Shape; refuse?: null; plan?: null; progress?: null; done?: null; failed?: null; verdict?: null; challenge?: null; proof?: null; identityDone?: null }|{ body?: "refuse"; join?: null; welcome?: null; refuse: ringcast.Refuse.$Shape; plan?: null; progress?: null; done?: null; failed?: null; verdict?: null; challenge?: null; proof?: null; identityDone?: null }|{ body?: "plan"; join?: null; welcome?: null; refuse?: null; plan: ringcast.Plan.$Shape; progress?: null; done?: null; failed?: null; verdict?: null; challenge?: null; proof?: null; identityDone?: null }|{ body?: "progress"; join?: null; welcome?: null; refuse?: null; plan?: null; progress: ringcast.Progress.$Shape; done?: null; failed?: null; verdict?: null; challenge?: null; proof?: null; identityDone?: null }|{ body?: "done"; join?: null; welcome?: null; refuse?: null; plan?: null; progress?: null; done: ringcast.Done.$Shape; failed?: null; verdict?: null; challenge?: null; proof?: null; identityDone?: null }|{ body?: "failed"; join?: null; welcome?: null; refuse?: null; plan?: null; progress?: null; done?: null; failed: ringcast.Failed.$Shape; verdict?: null; challenge?: null; proof?: null; identityDone?: null }|{ body?: "verdict"; join?: null; welcome?: null; refuse?: null; plan?: null; progress?: null; done?: null; failed?: null; verdict: ringcast.Verdict.$Shape; challenge?: null; proof?: null; identityDone?: null }|{ body?: "challenge"; join?: null; welcome?: null; refuse?: null; plan?: null; progress?: null; done?: null; failed?: null; verdict?: null; challenge: ringcast.Challenge.$Shape; proof?: null; identityDone?: null }|{ body?: "proof"; join?: null; welcome?: null; refuse?: null; plan?: null; progress?: null; done?: null; failed?: null; verdict?: null; challenge?: null; proof: ringcast.Proof.$Shape; identityDone?: null }|{ body?: "identityDone"; join?: null; welcome?: null; refuse?: null; plan?: null; progress?: null; done?: null; failed?: null; verdict?: null; challenge?: null; proof?: null; identityDone: ringcast.IdentityDone.$Shape })
        );
    }

    /**
     * Properties of a BlockFrame.
     * @deprecated Use ringcast.BlockFrame.$Properties instead.
     */
    interface IBlockFrame extends ringcast.BlockFrame.$Properties {
    }

    /** Represents a BlockFrame. */
    class BlockFrame {

        /**
         * Constructs a new BlockFrame.
         * @param [properties] Properties to set
         */
        constructor(properties?: ringcast.BlockFrame.$Properties);

        /** Unknown fields preserved while decoding when enabled */
        $unknowns?: Uint8Array[];

        /** BlockFrame kind. */
        kind: ringcast.BlockFrame.Kind;

        /** BlockFrame sessionId. */
        sessionId: Uint8Array;

        /** BlockFrame offset. */
        offset: number;

        /** BlockFrame length. */
        length: number;

        /** BlockFrame hash. */
        hash: Uint8Array;

        /** BlockFrame firstBlock. */
        firstBlock: number;

        /** BlockFrame hashes. */
        hashes: Uint8Array;

        /** BlockFrame signature. */
        signature: Uint8Array;

        /** BlockFrame contents. */
        contents: Uint8Array;

        /** BlockFrame digest. */
        digest: number;

        /** BlockFrame compressedLength. */
        compressedLength: number;

        /**
         * Creates a new BlockFrame instance using the specified properties.
         * @param [properties] Properties to set
         * @returns BlockFrame instance
         */
        static create(properties: ringcast.BlockFrame.$Shape): ringcast.BlockFrame & ringcast.BlockFrame.$Shape;
        static create(properties?: ringcast.BlockFrame.$Properties): ringcast.BlockFrame;

        /**
         * Encodes the specified BlockFrame message. Does not implicitly {@link ringcast.BlockFrame.verify|verify} messages.
         * @param message BlockFrame message or plain object to encode
         * @param [writer] Writer to encode to
         * @returns Writer
         */
        static encode(message: ringcast.BlockFrame.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

        /**
         * Decodes a BlockFrame message from the specified reader or buffer.
         * @param reader Reader or buffer to decode from
         * @param [length] Message length if known beforehand
         * @returns {ringcast.BlockFrame & ringcast.BlockFrame.$Shape} BlockFrame
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): ringcast.BlockFrame & ringcast.BlockFrame.$Shape;

        /**
         * Gets the type url for BlockFrame
         * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
         * @returns The type url
         */
        static getTypeUrl(prefix?: string): string;
    }

    namespace BlockFrame {

        /** Properties of a BlockFrame. */
        interface $Properties {

            /** BlockFrame kind */
            kind?: (ringcast.BlockFrame.Kind|null);

            /** BlockFrame sessionId */
            sessionId?: (Uint8Array|null);

            /** BlockFrame offset */
            offset?: (number|null);

            /** BlockFrame length */
            length?: (number|null);

            /** BlockFrame hash */
            hash?: (Uint8Array|null);

            /** BlockFrame firstBlock */
            firstBlock?: (number|null);

            /** BlockFrame hashes */
            hashes?: (Uint8Array|null);

            /** BlockFrame signature */
            signature?: (Uint8Array|null);

            /** BlockFrame contents */
            contents?: (Uint8Array|null);

            /** BlockFrame digest */
            digest?: (number|null);

            /** BlockFrame compressedLength */
            compressedLength?: (number|null);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];
        }

        /** Shape of a BlockFrame. */
        type $Shape = ringcast.BlockFrame.$Properties;

        /** Kind enum. */
        enum Kind {

            /** KIND_UNSPECIFIED value */
            KIND_UNSPECIFIED = 0,

            /** HELLO value */
            HELLO = 1,

            /** BLOCK value */
            BLOCK = 2,

            /** END value */
            END = 3,

            /** HASHES value */
            HASHES = 4,

            /** SKIP value */
            SKIP = 5
        }
    }

    /**
     * Properties of an Ack.
     * @deprecated Use ringcast.Ack.$Properties instead.
     */
    interface IAck extends ringcast.Ack.$Properties {
    }

    /** Represents an Ack. */
    class Ack {

        /**
         * Constructs a new Ack.
         * @param [properties] Properties to set
         */
        constructor(properties?: ringcast.Ack.$Properties);

        /** Unknown fields preserved while decoding when enabled */
        $unknowns?: Uint8Array[];

        /** Ack writtenThrough. */
        writtenThrough: number;

        /** Ack hashesFrom. */
        hashesFrom: number;

        /** Ack error. */
        error: string;

        /** Ack code. */
        code: ringcast.ErrorCode;

        /**
         * Creates a new Ack instance using the specified properties.
         * @param [properties] Properties to set
         * @returns Ack instance
         */
        static create(properties: ringcast.Ack.$Shape): ringcast.Ack & ringcast.Ack.$Shape;
        static create(properties?: ringcast.Ack.$Properties): ringcast.Ack;

        /**
         * Encodes the specified Ack message. Does not implicitly {@link ringcast.Ack.verify|verify} messages.
         * @param message Ack message or plain object to encode
         * @param [writer] Writer to encode to
         * @returns Writer
         */
        static encode(message: ringcast.Ack.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

        /**
         * Decodes an Ack message from the specified reader or buffer.
         * @param reader Reader or buffer to decode from
         * @param [length] Message length if known beforehand
         * @returns {ringcast.Ack & ringcast.Ack.$Shape} Ack
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): ringcast.Ack & ringcast.Ack.$Shape;

        /**
         * Gets the type url for Ack
         * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
         * @returns The type url
         */
        static getTypeUrl(prefix?: string): string;
    }

    namespace Ack {

        /** Properties of an Ack. */
        interface $Properties {

            /** Ack writtenThrough */
            writtenThrough?: (number|null);

            /** Ack hashesFrom */
            hashesFrom?: (number|null);

            /** Ack error */
            error?: (string|null);

            /** Ack code */
            code?: (ringcast.ErrorCode|null);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];
        }

        /** Shape of an Ack. */
        type $Shape = ringcast.Ack.$Properties;
    }
}
