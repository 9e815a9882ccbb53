/*eslint-disable block-scoped-var, id-length, no-control-regex, no-magic-numbers, no-mixed-operators, no-prototype-builtins, no-redeclare, no-shadow, no-var, sort-vars, default-case, jsdoc/require-param*/
import $protobuf from "protobufjs/minimal.js";

// Common aliases
const $Reader = $protobuf.Reader, $Writer = $protobuf.Writer, $util = $protobuf.util;
const $Object = $util.global.Object, $undefined = $util.global.undefined, $Error = $util.global.Error, $RangeError = $util.global.RangeError;

// Exported root namespace
const $root = $protobuf.roots["default"] || ($protobuf.roots["default"] = {});

export const ringcast = $root.ringcast = (() => {

    /**
     * Namespace ringcast.
     * @exports ringcast
     * @namespace
     */
    const ringcast = {};

    ringcast.Join = (function() {

        /**
         * Properties of a Join.
         * @typedef {Object} ringcast.Join.$Properties
         * @property {number|null} [protocolVersion] Join protocolVersion
         * @property {string|null} [name] Join name
         * @property {string|null} [token] Join token
         * @property {string|null} [targetPath] Join targetPath
         * @property {number|null} [targetSize] Join targetSize
         * @property {boolean|null} [targetGrowable] Join targetGrowable
         * @property {number|null} [listenPort] Join listenPort
         * @property {Array.<string>|null} [listenAddrs] Join listenAddrs
         * @property {number|null} [prefixLength] Join prefixLength
         * @property {number|null} [linkBitsPerSecond] Join linkBitsPerSecond
         * @property {number|null} [dataPort] Join dataPort
         * @property {Array.<ringcast.NamedTarget.$Properties>|null} [targets] Join targets
         * @property {boolean|null} [identity] Join identity
         * @property {ringcast.Rejoin.$Properties|null} [rejoin] Join rejoin
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */

        /**
         * Properties of a Join.
         * @memberof ringcast
         * @interface IJoin
         * @augments ringcast.Join.$Properties
         * @deprecated Use ringcast.Join.$Properties instead.
         */

        /**
         * Shape of a Join.
         * @typedef {ringcast.Join.$Properties} ringcast.Join.$Shape
         */

        /**
         * Constructs a new Join.
         * @memberof ringcast
         * @classdesc Represents a Join.
         * @constructor
         * @param {ringcast.Join.$Properties=} [properties] Properties to set
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */
        const Join = function (properties) {
            this.listenAddrs = [];
            this.targets = [];
            if (properties)
                for (let keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        };

        /**
         * Join protocolVersion.
         * @member {number} protocolVersion
         * @memberof ringcast.Join
         * @instance
         */
        Join.prototype.protocolVersion = 0;

        /**
         * Join name.
         * @member {string} name
         * @memberof ringcast.Join
         * @instance
         */
        Join.prototype.name = "";

        /**
         * Join token.
         * @member {string} token
         * @memberof ringcast.Join
         * @instance
         */
        Join.prototype.token = "";

        /**
         * Join targetPath.
         * @member {string} targetPath
         * @memberof ringcast.Join
         * @instance
         */
        Join.prototype.targetPath = "";

        /**
         * Join targetSize.
         * @member {number} targetSize
         * @memberof ringcast.Join
         * @instance
         */
        Join.prototype.targetSize = $util.Long ? $util.Long.fromBits(0,0,true) : 0;

        /**
         * Join targetGrowable.
         * @member {boolean} targetGrowable
         * @memberof ringcast.Join
         * @instance
         */
        Join.prototype.targetGrowable = false;

        /**
         * Join listenPort.
         * @member {number} listenPort
         * @memberof ringcast.Join
         * @instance
         */
        Join.prototype.listenPort = 0;

        /**
         * Join listenAddrs.
         * @member {Array.<string>} listenAddrs
         * @memberof ringcast.Join
         * @instance
         */
        Join.prototype.listenAddrs = $util.emptyArray;

        /**
         * Join prefixLength.
         * @member {number} prefixLength
         * @memberof ringcast.Join
         * @instance
         */
        Join.prototype.prefixLength = 0;

        /**
         * Join linkBitsPerSecond.
         * @member {number} linkBitsPerSecond
         * @memberof ringcast.Join
         * @instance
         */
        Join.prototype.linkBitsPerSecond = $util.Long ? $util.Long.fromBits(0,0,true) : 0;

        /**
         * Join dataPort.
         * @member {number} dataPort
         * @memberof ringcast.Join
         * @instance
         */
        Join.prototype.dataPort = 0;

        /**
         * Join targets.
         * @member {Array.<ringcast.NamedTarget.$Properties>} targets
         * @memberof ringcast.Join
         * @instance
         */
        Join.prototype.targets = $util.emptyArray;

        /**
         * Join identity.
         * @member {boolean} identity
         * @memberof ringcast.Join
         * @instance
         */
        Join.prototype.identity = false;

        /**
         * Join rejoin.
         * @member {ringcast.Rejoin.$Properties|null|undefined} rejoin
         * @memberof ringcast.Join
         * @instance
         */
        Join.prototype.rejoin = null;

        /**
         * Creates a new Join instance using the specified properties.
         * @function create
         * @memberof ringcast.Join
         * @static
         * @param {ringcast.Join.$Properties=} [properties] Properties to set
         * @returns {ringcast.Join} Join instance
         * @type {{
         *   (properties: ringcast.Join.$Shape): ringcast.Join & ringcast.Join.$Shape;
         *   (properties?: ringcast.Join.$Properties): ringcast.Join;
         * }}
         */
        Join.create = function(properties) {
            return new Join(properties);
        };

        /**
         * Encodes the specified Join message. Does not implicitly {@link ringcast.Join.verify|verify} messages.
         * @function encode
         * @memberof ringcast.Join
         * @static
         * @param {ringcast.Join.$Properties} message Join message or plain object to encode
         * @param {$protobuf.Writer} [writer] Writer to encode to
         * @returns {$protobuf.Writer} Writer
         */
        Join.encode = function (message, writer, _depth) {
            if (!writer)
                writer = $Writer.create();
            if (_depth === $undefined)
                _depth = 0;
            if (_depth > $util.recursionLimit)
                throw $Error("max depth exceeded");
            if (message.protocolVersion != null && $Object.hasOwnProperty.call(message, "protocolVersion") && message.protocolVersion !== 0)
                writer.uint32(/* id 1, wireType 0 =*/8).uint32(message.protocolVersion);
            if (message.name != null && $Object.hasOwnProperty.call(message, "name") && message.name !== "")
                writer.uint32(/* id 2, wireType 2 =*/18).string(message.name);
            if (message.token != null && $Object.hasOwnProperty.call(message, "token") && message.token !== "")
                writer.uint32(/* id 3, wireType 2 =*/26).string(message.token);
            if (message.targetPath != null && $Object.hasOwnProperty.call(message, "targetPath") && message.targetPath !== "")
                writer.uint32(/* id 4, wireType 2 =*/34).string(message.targetPath);
            if (message.targetSize != null && $Object.hasOwnProperty.call(message, "targetSize") && (typeof message.targetSize === "object" ? message.targetSize.low || message.targetSize.high : message.targetSize !== 0))
                writer.uint32(/* id 5, wireType 0 =*/40).uint64(message.targetSize);
            if (message.targetGrowable != null && $Object.hasOwnProperty.call(message, "targetGrowable") && message.targetGrowable !== false)
                writer.uint32(/* id 6, wireType 0 =*/48).bool(message.targetGrowable);
            if (message.listenPort != null && $Object.hasOwnProperty.call(message, "listenPort") && message.listenPort !== 0)
                writer.uint32(/* id 7, wireType 0 =*/56).uint32(message.listenPort);
            if (message.listenAddrs != null && message.listenAddrs.length)
                for (let i = 0; i < message.listenAddrs.length; ++i)
                    writer.uint32(/* id 8, wireType 2 =*/66).string(message.listenAddrs[i]);
            if (message.prefixLength != null && $Object.hasOwnProperty.call(message, "prefixLength") && message.prefixLength !== 0)
                writer.uint32(/* id 9, wireType 0 =*/72).uint32(message.prefixLength);
            if (message.linkBitsPerSecond != null && $Object.hasOwnProperty.call(message, "linkBitsPerSecond") && (typeof message.linkBitsPerSecond === "object" ? message.linkBitsPerSecond.low || message.linkBitsPerSecond.high : message.linkBitsPerSecond !== 0))
                writer.uint32(/* id 10, wireType 0 =*/80).uint64(message.linkBitsPerSecond);
            if (message.dataPort != null && $Object.hasOwnProperty.call(message, "dataPort") && message.dataPort !== 0)
                writer.uint32(/* id 11, wireType 0 =*/88).uint32(message.dataPort);
            if (message.targets != null && message.targets.length)
                for (let i = 0; i < message.targets.length; ++i)
                    $root.ringcast.NamedTarget.encode(message.targets[i], writer.uint32(/* id 12, wireType 2 =*/98).fork(), _depth + 1).ldelim();
            if (message.identity != null && $Object.hasOwnProperty.call(message, "identity") && message.identity !== false)
                writer.uint32(/* id 13, wireType 0 =*/104).bool(message.identity);
            if (message.rejoin != null && $Object.hasOwnProperty.call(message, "rejoin"))
                $root.ringcast.Rejoin.encode(message.rejoin, writer.uint32(/* id 14, wireType 2 =*/114).fork(), _depth + 1).ldelim();
            if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                for (let i = 0; i < message.$unknowns.length; ++i)
                    writer.raw(message.$unknowns[i]);
            return writer;
        };

        /**
         * Decodes a Join message from the specified reader or buffer.
         * @function decode
         * @memberof ringcast.Join
         * @static
         * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
         * @param {number} [length] Message length if known beforehand
         * @returns {ringcast.Join & ringcast.Join.$Shape} Join
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        Join.decode = function (reader, length, _end, _depth, _target) {
            if (!(reader instanceof $Reader))
                reader = $Reader.create(reader);
            if (_depth === $undefined)
                _depth = 0;
            if (_depth > $Reader.recursionLimit)
                throw $Error("max depth exceeded");
            let end, message, value;
            if (length === $undefined)
                end = reader.len;
            else {
                end = reader.pos + length;
                if (end > reader.len)
                    throw $RangeError("index out of range");
                length = reader.len;
                reader.len = end;
            }
            message = _target || new $root.ringcast.Join();
            while (reader.pos < end) {
                let start = reader.pos;
                let tag = reader.tag();
                if (tag === _end) {
                    _end = $undefined;
                    break;
                }
                let wireType = tag & 7;
                switch (tag >>>= 3) {
                case 1: {
                        if (wireType !== 0)
                            break;
                        if (value = reader.uint32())
                            message.protocolVersion = value;
                        else
                            delete message.protocolVersion;
                        continue;
                    }
                case 2: {
                        if (wireType !== 2)
                            break;
                        if ((value = reader.stringVerify()).length)
                            message.name = value;
                        else
                            delete message.name;
                        continue;
                    }
                case 3: {
                        if (wireType !== 2)
                            break;
                        if ((value = reader.stringVerify()).length)
                            message.token = value;
                        else
                            delete message.token;
                        continue;
                    }
                case 4: {
                        if (wireType !== 2)
                            break;
                        if ((value = reader.stringVerify()).length)
                            message.targetPath = value;
                        else
                            delete message.targetPath;
                        continue;
                    }
                case 5: {
                        if (wireType !== 0)
                            break;
                        if (typeof (value = reader.uint64()) === "object" ? value.low || value.high : value !== 0)
                            message.targetSize = value;
                        else
                            delete message.targetSize;
                        continue;
                    }
                case 6: {
                        if (wireType !== 0)
                            break;
                        if (value = reader.bool())
                            message.targetGrowable = value;
                        else
                            delete message.targetGrowable;
                        continue;
                    }
                case 7: {
                        if (wireType !== 0)
                            break;
                        if (value = reader.uint32())
                            message.listenPort = value;
                        else
                            delete message.listenPort;
                        continue;
                    }
                case 8: {
                        if (wireType !== 2)
                            break;
                        if (!(message.listenAddrs && message.listenAddrs.length))
                            message.listenAddrs = [];
                        message.listenAddrs.push(reader.stringVerify());
                        continue;
                    }
                case 9: {
                        if (wireType !== 0)
                            break;
                        if (value = reader.uint32())
                            message.prefixLength = value;
                        else
                            delete message.prefixLength;
                        continue;
                    }
                case 10: {
                        if (wireType !== 0)
                            break;
                        if (typeof (value = reader.uint64()) === "object" ? value.low || value.high : value !== 0)
                            message.linkBitsPerSecond = value;
                        else
                            delete message.linkBitsPerSecond;
                        continue;
                    }
                case 11: {
                        if (wireType !== 0)
                            break;
                        if (value = reader.uint32())
                            message.dataPort = value;
                        else
                            delete message.dataPort;
                        continue;
                    }
                case 12: {
                        if (wireType !== 2)
                            break;
                        if (!(message.targets && message.targets.length))
                            message.targets = [];
                        message.targets.push($root.ringcast.NamedTarget.decode(reader, reader.size(), $undefined, _depth + 1));
                        continue;
                    }
                case 13: {
                        if (wireType !== 0)
                            break;
                        if (value = reader.bool())
                            message.identity = value;
                        else
                            delete message.identity;
                        continue;
                    }
                case 14: {
                        if (wireType !== 2)
                            break;
                        message.rejoin = $root.ringcast.Rejoin.decode(reader, reader.size(), $undefined, _depth + 1, message.rejoin);
                        continue;
                    }
                }
                reader.skipType(wireType, _depth, tag);
                if (!reader.discardUnknown) {
                    $util.makeProp(message, "$unknowns", false);
                    (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                }
            }
            if (length !== $undefined) {
                if (reader.pos !== end)
                    throw $RangeError("index out of range");
                reader.len = length;
            }
            if (_end !== $undefined)
                throw $Error("missing end group");
            return message;
        };

        /**
         * Gets the type url for Join
         * @function getTypeUrl
         * @memberof ringcast.Join
         * @static
         * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
         * @returns {string} The type url
         */
        Join.getTypeUrl = function(prefix) {
            if (prefix === $undefined)
                prefix = "type.googleapis.com";
            return prefix + "/ringcast.Join";
        };

        return Join;
    })();

    ringcast.Rejoin = (function() {

        /**
         * Properties of a Rejoin.
         * @typedef {Object} ringcast.Rejoin.$Properties
         * @property {Uint8Array|null} [sessionId] Rejoin sessionId
         * @property {number|null} [writtenThrough] Rejoin writtenThrough
         * @property {number|null} [bytesReceived] Rejoin bytesReceived
         * @property {number|null} [resumedFrom] Rejoin resumedFrom
         * @property {boolean|null} [doneSent] Rejoin doneSent
         * @property {boolean|null} [verified] Rejoin verified
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */

        /**
         * Properties of a Rejoin.
         * @memberof ringcast
         * @interface IRejoin
         * @augments ringcast.Rejoin.$Properties
         * @deprecated Use ringcast.Rejoin.$Properties instead.
         */

        /**
         * Shape of a Rejoin.
         * @typedef {ringcast.Rejoin.$Properties} ringcast.Rejoin.$Shape
         */

        /**
         * Constructs a new Rejoin.
         * @memberof ringcast
         * @classdesc Represents a Rejoin.
         * @constructor
         * @param {ringcast.Rejoin.$Properties=} [properties] Properties to set
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */
        const Rejoin = function (properties) {
            if (properties)
                for (let keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        };

        /**
         * Rejoin sessionId.
         * @member {Uint8Array} sessionId
         * @memberof ringcast.Rejoin
         * @instance
         */
        Rejoin.prototype.sessionId = $util.newBuffer([]);

        /**
         * Rejoin writtenThrough.
         * @member {number} writtenThrough
         * @memberof ringcast.Rejoin
         * @instance
         */
        Rejoin.prototype.writtenThrough = $util.Long ? $util.Long.fromBits(0,0,true) : 0;

        /**
         * Rejoin bytesReceived.
         * @member {number} bytesReceived
         * @memberof ringcast.Rejoin
         * @instance
         */
        Rejoin.prototype.bytesReceived = $util.Long ? $util.Long.fromBits(0,0,true) : 0;

        /**
         * Rejoin resumedFrom.
         * @member {number} resumedFrom
         * @memberof ringcast.Rejoin
         * @instance
         */
        Rejoin.prototype.resumedFrom = $util.Long ? $util.Long.fromBits(0,0,true) : 0;

        /**
         * Rejoin doneSent.
         * @member {boolean} doneSent
         * @memberof ringcast.Rejoin
         * @instance
         */
        Rejoin.prototype.doneSent = false;

        /**
         * Rejoin verified.
         * @member {boolean} verified
         * @memberof ringcast.Rejoin
         * @instance
         */
        Rejoin.prototype.verified = false;

        /**
         * Creates a new Rejoin instance using the specified properties.
         * @function create
         * @memberof ringcast.Rejoin
         * @static
         * @param {ringcast.Rejoin.$Properties=} [properties] Properties to set
         * @returns {ringcast.Rejoin} Rejoin instance
         * @type {{
         *   (properties: ringcast.Rejoin.$Shape): ringcast.Rejoin & ringcast.Rejoin.$Shape;
         *   (properties?: ringcast.Rejoin.$Properties): ringcast.Rejoin;
         * }}
         */
        Rejoin.create = function(properties) {
            return new Rejoin(properties);
        };

        /**
         * Encodes the specified Rejoin message. Does not implicitly {@link ringcast.Rejoin.verify|verify} messages.
         * @function encode
         * @memberof ringcast.Rejoin
         * @static
         * @param {ringcast.Rejoin.$Properties} message Rejoin message or plain object to encode
         * @param {$protobuf.Writer} [writer] Writer to encode to
         * @returns {$protobuf.Writer} Writer
         */
        Rejoin.encode = function (message, writer, _depth) {
            if (!writer)
                writer = $Writer.create();
            if (_depth === $undefined)
                _depth = 0;
            if (_depth > $util.recursionLimit)
                throw $Error("max depth exceeded");
            if (message.sessionId != null && $Object.hasOwnProperty.call(message, "sessionId") && message.sessionId.length)
                writer.uint32(/* id 1, wireType 2 =*/10).bytes(message.sessionId);
            if (message.writtenThrough != null && $Object.hasOwnProperty.call(message, "writtenThrough") && (typeof message.writtenThrough === "object" ? message.writtenThrough.low || message.writtenThrough.high : message.writtenThrough !== 0))
                writer.uint32(/* id 2, wireType 0 =*/16).uint64(message.writtenThrough);
            if (message.bytesReceived != null && $Object.hasOwnProperty.call(message, "bytesReceived") && (typeof message.bytesReceived === "object" ? message.bytesReceived.low || message.bytesReceived.high : message.bytesReceived !== 0))
                writer.uint32(/* id 3, wireType 0 =*/24).uint64(message.bytesReceived);
            if (message.resumedFrom != null && $Object.hasOwnProperty.call(message, "resumedFrom") && (typeof message.resumedFrom === "object" ? message.resumedFrom.low || message.resumedFrom.high : message.resumedFrom !== 0))
                writer.uint32(/* id 4, wireType 0 =*/32).uint64(message.resumedFrom);
            if (message.doneSent != null && $Object.hasOwnProperty.call(message, "doneSent") && message.doneSent !== false)
                writer.uint32(/* id 5, wireType 0 =*/40).bool(message.doneSent);
            if (message.verified != null && $Object.hasOwnProperty.call(message, "verified") && message.verified !== false)
                writer.uint32(/* id 6, wireType 0 =*/48).bool(message.verified);
            if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                for (let i = 0; i < message.$unknowns.length; ++i)
                    writer.raw(message.$unknowns[i]);
            return writer;
        };

        /**
         * Decodes a Rejoin message from the specified reader or buffer.
         * @function decode
         * @memberof ringcast.Rejoin
         * @static
         * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
         * @param {number} [length] Message length if known beforehand
         * @returns {ringcast.Rejoin & ringcast.Rejoin.$Shape} Rejoin
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        Rejoin.decode = function (reader, length, _end, _depth, _target) {
            if (!(reader instanceof $Reader))
                reader = $Reader.create(reader);
            if (_depth === $undefined)
                _depth = 0;
            if (_depth > $Reader.recursionLimit)
                throw $Error("max depth exceeded");
            let end, message, value;
            if (length === $undefined)
                end = reader.len;
            else {
                end = reader.pos + length;
                if (end > reader.len)
                    throw $RangeError("index out of range");
                length = reader.len;
                reader.len = end;
            }
            message = _target || new $root.ringcast.Rejoin();
            while (reader.pos < end) {
                let start = reader.pos;
                let tag = reader.tag();
                if (tag === _end) {
                    _end = $undefined;
                    break;
                }
                let wireType = tag & 7;
                switch (tag >>>= 3) {
                case 1: {
                        if (wireType !== 2)
                            break;
                        if ((value = reader.bytes()).length)
                            message.sessionId = value;
                        else
                            delete message.sessionId;
                        continue;
                    }
                case 2: {
                        if (wireType !== 0)
                            break;
                        if (typeof (value = reader.uint64()) === "object" ? value.low || value.high : value !== 0)
                            message.writtenThrough = value;
                        else
                            delete message.writtenThrough;
                        continue;
                    }
                case 3: {
                        if (wireType !== 0)
                            break;
                        if (typeof (value = reader.uint64()) === "object" ? value.low || value.high : value !== 0)
                            message.bytesReceived = value;
                        else
                            delete message.bytesReceived;
                        continue;
                    }
                case 4: {
                        if (wireType !== 0)
                            break;
                        if (typeof (value = reader.uint64()) === "object" ? value.low || value.high : value !== 0)
                            message.resumedFrom = value;
                        else
                            delete message.resumedFrom;
                        continue;
                    }
                case 5: {
                        if (wireType !== 0)
                            break;
                        if (value = reader.bool())
                            message.doneSent = value;
                        else
                            delete message.doneSent;
                        continue;
                    }
                case 6: {
                        if (wireType !== 0)
                            break;
                        if (value = reader.bool())
                            message.verified = value;
                        else
                            delete message.verified;
                        continue;
                    }
                }
                reader.skipType(wireType, _depth, tag);
                if (!reader.discardUnknown) {
                    $util.makeProp(message, "$unknowns", false);
                    (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                }
            }
            if (length !== $undefined) {
                if (reader.pos !== end)
                    throw $RangeError("index out of range");
                reader.len = length;
            }
            if (_end !== $undefined)
                throw $Error("missing end group");
            return message;
        };

        /**
         * Gets the type url for Rejoin
         * @function getTypeUrl
         * @memberof ringcast.Rejoin
         * @static
         * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
         * @returns {string} The type url
         */
        Rejoin.getTypeUrl = function(prefix) {
            if (prefix === $undefined)
                prefix = "type.googleapis.com";
            return prefix + "/ringcast.Rejoin";
        };

        return Rejoin;
    })();

    ringcast.NamedTarget = (function() {

        /**
         * Properties of a NamedTarget.
         * @typedef {Object} ringcast.NamedTarget.$Properties
         * @property {string|null} [name] NamedTarget name
         * @property {string|null} [path] NamedTarget path
         * @property {number|null} [size] NamedTarget size
         * @property {boolean|null} [growable] NamedTarget growable
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */

        /**
         * Properties of a NamedTarget.
         * @memberof ringcast
         * @interface INamedTarget
         * @augments ringcast.NamedTarget.$Properties
         * @deprecated Use ringcast.NamedTarget.$Properties instead.
         */

        /**
         * Shape of a NamedTarget.
         * @typedef {ringcast.NamedTarget.$Properties} ringcast.NamedTarget.$Shape
         */

        /**
         * Constructs a new NamedTarget.
         * @memberof ringcast
         * @classdesc Represents a NamedTarget.
         * @constructor
         * @param {ringcast.NamedTarget.$Properties=} [properties] Properties to set
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */
        const NamedTarget = function (properties) {
            if (properties)
                for (let keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        };

        /**
         * NamedTarget name.
         * @member {string} name
         * @memberof ringcast.NamedTarget
         * @instance
         */
        NamedTarget.prototype.name = "";

        /**
         * NamedTarget path.
         * @member {string} path
         * @memberof ringcast.NamedTarget
         * @instance
         */
        NamedTarget.prototype.path = "";

        /**
         * NamedTarget size.
         * @member {number} size
         * @memberof ringcast.NamedTarget
         * @instance
         */
        NamedTarget.prototype.size = $util.Long ? $util.Long.fromBits(0,0,true) : 0;

        /**
         * NamedTarget growable.
         * @member {boolean} growable
         * @memberof ringcast.NamedTarget
         * @instance
         */
        NamedTarget.prototype.growable = false;

        /**
         * Creates a new NamedTarget instance using the specified properties.
         * @function create
         * @memberof ringcast.NamedTarget
         * @static
         * @param {ringcast.NamedTarget.$Properties=} [properties] Properties to set
         * @returns {ringcast.NamedTarget} NamedTarget instance
         * @type {{
         *   (properties: ringcast.NamedTarget.$Shape): ringcast.NamedTarget & ringcast.NamedTarget.$Shape;
         *   (properties?: ringcast.NamedTarget.$Properties): ringcast.NamedTarget;
         * }}
         */
        NamedTarget.create = function(properties) {
            return new NamedTarget(properties);
        };

        /**
         * Encodes the specified NamedTarget message. Does not implicitly {@link ringcast.NamedTarget.verify|verify} messages.
         * @function encode
         * @memberof ringcast.NamedTarget
         * @static
         * @param {ringcast.NamedTarget.$Properties} message NamedTarget message or plain object to encode
         * @param {$protobuf.Writer} [writer] Writer to encode to
         * @returns {$protobuf.Writer} Writer
         */
        NamedTarget.encode = function (message, writer, _depth) {
            if (!writer)
                writer = $Writer.create();
            if (_depth === $undefined)
                _depth = 0;
            if (_depth > $util.recursionLimit)
                throw $Error("max depth exceeded");
            if (message.name != null && $Object.hasOwnProperty.call(message, "name") && message.name !== "")
                writer.uint32(/* id 1, wireType 2 =*/10).string(message.name);
            if (message.path != null && $Object.hasOwnProperty.call(message, "path") && message.path !== "")
                writer.uint32(/* id 2, wireType 2 =*/18).string(message.path);
            if (message.size != null && $Object.hasOwnProperty.call(message, "size") && (typeof message.size === "object" ? message.size.low || message.size.high : message.size !== 0))
                writer.uint32(/* id 3, wireType 0 =*/24).uint64(message.size);
            if (message.growable != null && $Object.hasOwnProperty.call(message, "growable") && message.growable !== false)
                writer.uint32(/* id 4, wireType 0 =*/32).bool(message.growable);
            if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                for (let i = 0; i < message.$unknowns.length; ++i)
                    writer.raw(message.$unknowns[i]);
            return writer;
        };

        /**
         * Decodes a NamedTarget message from the specified reader or buffer.
         * @function decode
         * @memberof ringcast.NamedTarget
         * @static
         * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
         * @param {number} [length] Message length if known beforehand
         * @returns {ringcast.NamedTarget & ringcast.NamedTarget.$Shape} NamedTarget
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        NamedTarget.decode = function (reader, length, _end, _depth, _target) {
            if (!(reader instanceof $Reader))
                reader = $Reader.create(reader);
            if (_depth === $undefined)
                _depth = 0;
            if (_depth > $Reader.recursionLimit)
                throw $Error("max depth exceeded");
            let end, message, value;
            if (length === $undefined)
                end = reader.len;
            else {
                end = reader.pos + length;
                if (end > reader.len)
                    throw $RangeError("index out of range");
                length = reader.len;
                reader.len = end;
            }
            message = _target || new $root.ringcast.NamedTarget();
            while (reader.pos < end) {
                let start = reader.pos;
                let tag = reader.tag();
                if (tag === _end) {
                    _end = $undefined;
                    break;
                }
                let wireType = tag & 7;
                switch (tag >>>= 3) {
                case 1: {
                        if (wireType !== 2)
                            break;
                        if ((value = reader.stringVerify()).length)
                            message.name = value;
                        else
                            delete message.name;
                        continue;
                    }
                case 2: {
                        if (wireType !== 2)
                            break;
                        if ((value = reader.stringVerify()).length)
                            message.path = value;
                        else
                            delete message.path;
                        continue;
                    }
                case 3: {
                        if (wireType !== 0)
                            break;
                        if (typeof (value = reader.uint64()) === "object" ? value.low || value.high : value !== 0)
                            message.size = value;
                        else
                            delete message.size;
                        continue;
                    }
                case 4: {
                        if (wireType !== 0)
                            break;
                        if (value = reader.bool())
                            message.growable = value;
                        else
                            delete message.growable;
                        continue;
                    }
                }
                reader.skipType(wireType, _depth, tag);
                if (!reader.discardUnknown) {
                    $util.makeProp(message, "$unknowns", false);
                    (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                }
            }
            if (length !== $undefined) {
                if (reader.pos !== end)
                    throw $RangeError("index out of range");
                reader.len = length;
            }
            if (_end !== $undefined)
                throw $Error("missing end group");
            return message;
        };

        /**
         * Gets the type url for NamedTarget
         * @function getTypeUrl
         * @memberof ringcast.NamedTarget
         * @static
         * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
         * @returns {string} The type url
         */
        NamedTarget.getTypeUrl = function(prefix) {
            if (prefix === $undefined)
                prefix = "type.googleapis.com";
            return prefix + "/ringcast.NamedTarget";
        };

        return NamedTarget;
    })();

    /**
     * DataPlane enum.
     * @name ringcast.DataPlane
     * @enum {number}
     * @property {number} DATA_PLANE_UNSPECIFIED=0 DATA_PLANE_UNSPECIFIED value
     * @property {number} ENCRYPTED=1 ENCRYPTED value
     * @property {number} INTEGRITY_ONLY=2 INTEGRITY_ONLY value
     * @property {number} LIBP2P=3 LIBP2P value
     */
    ringcast.DataPlane = (function() {
        const valuesById = $Object.create(null), values = $Object.create(valuesById);
        values[valuesById[0] = "DATA_PLANE_UNSPECIFIED"] = 0;
        values[valuesById[1] = "ENCRYPTED"] = 1;
        values[valuesById[2] = "INTEGRITY_ONLY"] = 2;
        values[valuesById[3] = "LIBP2P"] = 3;
        return values;
    })();

    ringcast.Welcome = (function() {

        /**
         * Properties of a Welcome.
         * @typedef {Object} ringcast.Welcome.$Properties
         * @property {Uint8Array|null} [sessionId] Welcome sessionId
         * @property {string|null} [imageName] Welcome imageName
         * @property {number|null} [imageSize] Welcome imageSize
         * @property {number|null} [blockSize] Welcome blockSize
         * @property {number|null} [windowBytes] Welcome windowBytes
         * @property {ringcast.DataPlane|null} [dataPlane] Welcome dataPlane
         * @property {Array.<ringcast.ImagePart.$Properties>|null} [parts] Welcome parts
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */

        /**
         * Properties of a Welcome.
         * @memberof ringcast
         * @interface IWelcome
         * @augments ringcast.Welcome.$Properties
         * @deprecated Use ringcast.Welcome.$Properties instead.
         */

        /**
         * Shape of a Welcome.
         * @typedef {ringcast.Welcome.$Properties} ringcast.Welcome.$Shape
         */

        /**
         * Constructs a new Welcome.
         * @memberof ringcast
         * @classdesc Represents a Welcome.
         * @constructor
         * @param {ringcast.Welcome.$Properties=} [properties] Properties to set
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */
        const Welcome = function (properties) {
            this.parts = [];
            if (properties)
                for (let keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        };

        /**
         * Welcome sessionId.
         * @member {Uint8Array} sessionId
         * @memberof ringcast.Welcome
         * @instance
         */
        Welcome.prototype.sessionId = $util.newBuffer([]);

        /**
         * Welcome imageName.
         * @member {string} imageName
         * @memberof ringcast.Welcome
         * @instance
         */
        Welcome.prototype.imageName = "";

        /**
         * Welcome imageSize.
         * @member {number} imageSize
         * @memberof ringcast.Welcome
         * @instance
         */
        Welcome.prototype.imageSize = $util.Long ? $util.Long.fromBits(0,0,true) : 0;

        /**
         * Welcome blockSize.
         * @member {number} blockSize
         * @memberof ringcast.Welcome
         * @instance
         */
        Welcome.prototype.blockSize = 0;

        /**
         * Welcome windowBytes.
         * @member {number} windowBytes
         * @memberof ringcast.Welcome
         * @instance
         */
        Welcome.prototype.windowBytes = 0;

        /**
         * Welcome dataPlane.
         * @member {ringcast.DataPlane} dataPlane
         * @memberof ringcast.Welcome
         * @instance
         */
        Welcome.prototype.dataPlane = 0;

        /**
         * Welcome parts.
         * @member {Array.<ringcast.ImagePart.$Properties>} parts
         * @memberof ringcast.Welcome
         * @instance
         */
        Welcome.prototype.parts = $util.emptyArray;

        /**
         * Creates a new Welcome instance using the specified properties.
         * @function create
         * @memberof ringcast.Welcome
         * @static
         * @param {ringcast.Welcome.$Properties=} [properties] Properties to set
         * @returns {ringcast.Welcome} Welcome instance
         * @type {{
         *   (properties: ringcast.Welcome.$Shape): ringcast.Welcome & ringcast.Welcome.$Shape;
         *   (properties?: ringcast.Welcome.$Properties): ringcast.Welcome;
         * }}
         */
        Welcome.create = function(properties) {
            return new Welcome(properties);
        };

        /**
         * Encodes the specified Welcome message. Does not implicitly {@link ringcast.Welcome.verify|verify} messages.
         * @function encode
         * @memberof ringcast.Welcome
         * @static
         * @param {ringcast.Welcome.$Properties} message Welcome message or plain object to encode
         * @param {$protobuf.Writer} [writer] Writer to encode to
         * @returns {$protobuf.Writer} Writer
         */
        Welcome.encode = function (message, writer, _depth) {
            if (!writer)
                writer = $Writer.create();
            if (_depth === $undefined)
                _depth = 0;
            if (_depth > $util.recursionLimit)
                throw $Error("max depth exceeded");
            if (message.sessionId != null && $Object.hasOwnProperty.call(message, "sessionId") && message.sessionId.length)
                writer.uint32(/* id 1, wireType 2 =*/10).bytes(message.sessionId);
            if (message.imageName != null && $Object.hasOwnProperty.call(message, "imageName") && message.imageName !== "")
                writer.uint32(/* id 2, wireType 2 =*/18).string(message.imageName);
            if (message.imageSize != null && $Object.hasOwnProperty.call(message, "imageSize") && (typeof message.imageSize === "object" ? message.imageSize.low || message.imageSize.high : message.imageSize !== 0))
                writer.uint32(/* id 3, wireType 0 =*/24).uint64(message.imageSize);
            if (message.blockSize != null && $Object.hasOwnProperty.call(message, "blockSize") && message.blockSize !== 0)
                writer.uint32(/* id 4, wireType 0 =*/32).uint32(message.blockSize);
            if (message.windowBytes != null && $Object.hasOwnProperty.call(message, "windowBytes") && message.windowBytes !== 0)
                writer.uint32(/* id 5, wireType 0 =*/40).uint32(message.windowBytes);
            if (message.dataPlane != null && $Object.hasOwnProperty.call(message, "dataPlane") && message.dataPlane !== 0)
                writer.uint32(/* id 6, wireType 0 =*/48).int32(message.dataPlane);
            if (message.parts != null && message.parts.length)
                for (let i = 0; i < message.parts.length; ++i)
                    $root.ringcast.ImagePart.encode(message.parts[i], writer.uint32(/* id 7, wireType 2 =*/58).fork(), _depth + 1).ldelim();
            if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                for (let i = 0; i < message.$unknowns.length; ++i)
                    writer.raw(message.$unknowns[i]);
            return writer;
        };

        /**
         * Decodes a Welcome message from the specified reader or buffer.
         * @function decode
         * @memberof ringcast.Welcome
         * @static
         * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
         * @param {number} [length] Message length if known beforehand
         * @returns {ringcast.Welcome & ringcast.Welcome.$Shape} Welcome
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        Welcome.decode = function (reader, length, _end, _depth, _target) {
            if (!(reader instanceof $Reader))
                reader = $Reader.create(reader);
            if (_depth === $undefined)
                _depth = 0;
            if (_depth > $Reader.recursionLimit)
                throw $Error("max depth exceeded");
            let end, message, value;
            if (length === $undefined)
                end = reader.len;
            else {
                end = reader.pos + length;
                if (end > reader.len)
                    throw $RangeError("index out of range");
                length = reader.len;
                reader.len = end;
            }
            message = _target || new $root.ringcast.Welcome();
            while (reader.pos < end) {
                let start = reader.pos;
                let tag = reader.tag();
                if (tag === _end) {
                    _end = $undefined;
                    break;
                }
                let wireType = tag & 7;
                switch (tag >>>= 3) {
                case 1: {
                        if (wireType !== 2)
                            break;
                        if ((value = reader.bytes()).length)
                            message.sessionId = value;
                        else
                            delete message.sessionId;
                        continue;
                    }
                case 2: {
                        if (wireType !== 2)
                            break;
                        if ((value = reader.stringVerify()).length)
                            message.imageName = value;
                        else
                            delete message.imageName;
                        continue;
                    }
                case 3: {
                        if (wireType !== 0)
                            break;
                        if (typeof (value = reader.uint64()) === "object" ? value.low || value.high : value !== 0)
                            message.imageSize = value;
                        else
                            delete message.imageSize;
                        continue;
                    }
                case 4: {
                        if (wireType !== 0)
                            break;
                        if (value = reader.uint32())
                            message.blockSize = value;
                        else
                            delete message.blockSize;
                        continue;
                    }
                case 5: {
                        if (wireType !== 0)
                            break;
                        if (value = reader.uint32())
                            message.windowBytes = value;
                        else
                            delete message.windowBytes;
                        continue;
                    }
                case 6: {
                        if (wireType !== 0)
                            break;
                        if (value = reader.int32())
                            message.dataPlane = value;
                        else
                            delete message.dataPlane;
                        continue;
                    }
                case 7: {
                        if (wireType !== 2)
                            break;
                        if (!(message.parts && message.parts.length))
                            message.parts = [];
                        message.parts.push($root.ringcast.ImagePart.decode(reader, reader.size(), $undefined, _depth + 1));
                        continue;
                    }
                }
                reader.skipType(wireType, _depth, tag);
                if (!reader.discardUnknown) {
                    $util.makeProp(message, "$unknowns", false);
                    (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                }
            }
            if (length !== $undefined) {
                if (reader.pos !== end)
                    throw $RangeError("index out of range");
                reader.len = length;
            }
            if (_end !== $undefined)
                throw $Error("missing end group");
            return message;
        };

        /**
         * Gets the type url for Welcome
         * @function getTypeUrl
         * @memberof ringcast.Welcome
         * @static
         * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
         * @returns {string} The type url
         */
        Welcome.getTypeUrl = function(prefix) {
            if (prefix === $undefined)
                prefix = "type.googleapis.com";
            return prefix + "/ringcast.Welcome";
        };

        return Welcome;
    })();

    ringcast.ImagePart = (function() {

        /**
         * Properties of an ImagePart.
         * @typedef {Object} ringcast.ImagePart.$Properties
         * @property {string|null} [name] ImagePart name
         * @property {number|null} [offset] ImagePart offset
         * @property {number|null} [size] ImagePart size
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */

        /**
         * Properties of an ImagePart.
         * @memberof ringcast
         * @interface IImagePart
         * @augments ringcast.ImagePart.$Properties
         * @deprecated Use ringcast.ImagePart.$Properties instead.
         */

        /**
         * Shape of an ImagePart.
         * @typedef {ringcast.ImagePart.$Properties} ringcast.ImagePart.$Shape
         */

        /**
         * Constructs a new ImagePart.
         * @memberof ringcast
         * @classdesc Represents an ImagePart.
         * @constructor
         * @param {ringcast.ImagePart.$Properties=} [properties] Properties to set
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */
        const ImagePart = function (properties) {
            if (properties)
                for (let keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        };

        /**
         * ImagePart name.
         * @member {string} name
         * @memberof ringcast.ImagePart
         * @instance
         */
        ImagePart.prototype.name = "";

        /**
         * ImagePart offset.
         * @member {number} offset
         * @memberof ringcast.ImagePart
         * @instance
         */
        ImagePart.prototype.offset = $util.Long ? $util.Long.fromBits(0,0,true) : 0;

        /**
         * ImagePart size.
         * @member {number} size
         * @memberof ringcast.ImagePart
         * @instance
         */
        ImagePart.prototype.size = $util.Long ? $util.Long.fromBits(0,0,true) : 0;

        /**
         * Creates a new ImagePart instance using the specified properties.
         * @function create
         * @memberof ringcast.ImagePart
         * @static
         * @param {ringcast.ImagePart.$Properties=} [properties] Properties to set
         * @returns {ringcast.ImagePart} ImagePart instance
         * @type {{
         *   (properties: ringcast.ImagePart.$Shape): ringcast.ImagePart & ringcast.ImagePart.$Shape;
         *   (properties?: ringcast.ImagePart.$Properties): ringcast.ImagePart;
         * }}
         */
        ImagePart.create = function(properties) {
            return new ImagePart(properties);
        };

        /**
         * Encodes the specified ImagePart message. Does not implicitly {@link ringcast.ImagePart.verify|verify} messages.
         * @function encode
         * @memberof ringcast.ImagePart
         * @static
         * @param {ringcast.ImagePart.$Properties} message ImagePart message or plain object to encode
         * @param {$protobuf.Writer} [writer] Writer to encode to
         * @returns {$protobuf.Writer} Writer
         */
        ImagePart.encode = function (message, writer, _depth) {
            if (!writer)
                writer = $Writer.create();
            if (_depth === $undefined)
                _depth = 0;
            if (_depth > $util.recursionLimit)
                throw $Error("max depth exceeded");
            if (message.name != null && $Object.hasOwnProperty.call(message, "name") && message.name !== "")
                writer.uint32(/* id 1, wireType 2 =*/10).string(message.name);
            if (message.offset != null && $Object.hasOwnProperty.call(message, "offset") && (typeof message.offset === "object" ? message.offset.low || message.offset.high : message.offset !== 0))
                writer.uint32(/* id 2, wireType 0 =*/16).uint64(message.offset);
            if (message.size != null && $Object.hasOwnProperty.call(message, "size") && (typeof message.size === "object" ? message.size.low || message.size.high : message.size !== 0))
                writer.uint32(/* id 3, wireType 0 =*/24).uint64(message.size);
            if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                for (let i = 0; i < message.$unknowns.length; ++i)
                    writer.raw(message.$unknowns[i]);
            return writer;
        };

        /**
         * Decodes an ImagePart message from the specified reader or buffer.
         * @function decode
         * @memberof ringcast.ImagePart
         * @static
         * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
         * @param {number} [length] Message length if known beforehand
         * @returns {ringcast.ImagePart & ringcast.ImagePart.$Shape} ImagePart
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        ImagePart.decode = function (reader, length, _end, _depth, _target) {
            if (!(reader instanceof $Reader))
                reader = $Reader.create(reader);
            if (_depth === $undefined)
                _depth = 0;
            if (_depth > $Reader.recursionLimit)
                throw $Error("max depth exceeded");
            let end, message, value;
            if (length === $undefined)
                end = reader.len;
            else {
                end = reader.pos + length;
                if (end > reader.len)
                    throw $RangeError("index out of range");
                length = reader.len;
                reader.len = end;
            }
            message = _target || new $root.ringcast.ImagePart();
            while (reader.pos < end) {
                let start = reader.pos;
                let tag = reader.tag();
                if (tag === _end) {
                    _end = $undefined;
                    break;
                }
                let wireType = tag & 7;
                switch (tag >>>= 3) {
                case 1: {
                        if (wireType !== 2)
                            break;
                        if ((value = reader.stringVerify()).length)
                            message.name = value;
                        else
                            delete message.name;
                        continue;
                    }
                case 2: {
                        if (wireType !== 0)
                            break;
                        if (typeof (value = reader.uint64()) === "object" ? value.low || value.high : value !== 0)
                            message.offset = value;
                        else
                            delete message.offset;
                        continue;
                    }
                case 3: {
                        if (wireType !== 0)
                            break;
                        if (typeof (value = reader.uint64()) === "object" ? value.low || value.high : value !== 0)
                            message.size = value;
                        else
                            delete message.size;
                        continue;
                    }
                }
                reader.skipType(wireType, _depth, tag);
                if (!reader.discardUnknown) {
                    $util.makeProp(message, "$unknowns", false);
                    (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                }
            }
            if (length !== $undefined) {
                if (reader.pos !== end)
                    throw $RangeError("index out of range");
                reader.len = length;
            }
            if (_end !== $undefined)
                throw $Error("missing end group");
            return message;
        };

        /**
         * Gets the type url for ImagePart
         * @function getTypeUrl
         * @memberof ringcast.ImagePart
         * @static
         * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
         * @returns {string} The type url
         */
        ImagePart.getTypeUrl = function(prefix) {
            if (prefix === $undefined)
                prefix = "type.googleapis.com";
            return prefix + "/ringcast.ImagePart";
        };

        return ImagePart;
    })();

    /**
     * ErrorCode enum.
     * @name ringcast.ErrorCode
     * @enum {number}
     * @property {number} ERROR_CODE_UNSPECIFIED=0 ERROR_CODE_UNSPECIFIED value
     * @property {number} USAGE=1 USAGE value
     * @property {number} IMAGE_UNREADABLE=2 IMAGE_UNREADABLE value
     * @property {number} IMAGE_EMPTY=3 IMAGE_EMPTY value
     * @property {number} TARGET_MISSING=4 TARGET_MISSING value
     * @property {number} TARGET_NOT_WRITABLE=5 TARGET_NOT_WRITABLE value
     * @property {number} TARGET_TOO_SMALL=6 TARGET_TOO_SMALL value
     * @property {number} TARGET_MOUNTED=7 TARGET_MOUNTED value
     * @property {number} TARGET_UNSUPPORTED=8 TARGET_UNSUPPORTED value
     * @property {number} TARGET_WRITE_FAILED=9 TARGET_WRITE_FAILED value
     * @property {number} KEY_INVALID=10 KEY_INVALID value
     * @property {number} BAD_TOKEN=11 BAD_TOKEN value
     * @property {number} VERSION=12 VERSION value
     * @property {number} REFUSED=13 REFUSED value
     * @property {number} UNREACHABLE=14 UNREACHABLE value
     * @property {number} PROTOCOL=15 PROTOCOL value
     * @property {number} INTEGRITY=16 INTEGRITY value
     * @property {number} PEER_GONE=17 PEER_GONE value
     * @property {number} STALLED=18 STALLED value
     * @property {number} RESTARTED=19 RESTARTED value
     * @property {number} COORDINATOR_GONE=20 COORDINATOR_GONE value
     * @property {number} NO_NODES=21 NO_NODES value
     * @property {number} CLONE_FAILED=22 CLONE_FAILED value
     * @property {number} JOURNAL=23 JOURNAL value
     * @property {number} INTERRUPTED=24 INTERRUPTED value
     * @property {number} INTERNAL=25 INTERNAL value
     * @property {number} ARCHIVE_REFUSED=26 ARCHIVE_REFUSED value
     * @property {number} IDENTITY_FAILED=27 IDENTITY_FAILED value
     */
    ringcast.ErrorCode = (function() {
        const valuesById = $Object.create(null), values = $Object.create(valuesById);
        values[valuesById[0] = "ERROR_CODE_UNSPECIFIED"] = 0;
        values[valuesById[1] = "USAGE"] = 1;
        values[valuesById[2] = "IMAGE_UNREADABLE"] = 2;
        values[valuesById[3] = "IMAGE_EMPTY"] = 3;
        values[valuesById[4] = "TARGET_MISSING"] = 4;
        values[valuesById[5] = "TARGET_NOT_WRITABLE"] = 5;
        values[valuesById[6] = "TARGET_TOO_SMALL"] = 6;
        values[valuesById[7] = "TARGET_MOUNTED"] = 7;
        values[valuesById[8] = "TARGET_UNSUPPORTED"] = 8;
        values[valuesById[9] = "TARGET_WRITE_FAILED"] = 9;
        values[valuesById[10] = "KEY_INVALID"] = 10;
        values[valuesById[11] = "BAD_TOKEN"] = 11;
        values[valuesById[12] = "VERSION"] = 12;
        values[valuesById[13] = "REFUSED"] = 13;
        values[valuesById[14] = "UNREACHABLE"] = 14;
        values[valuesById[15] = "PROTOCOL"] = 15;
        values[valuesById[16] = "INTEGRITY"] = 16;
        values[valuesById[17] = "PEER_GONE"] = 17;
        values[valuesById[18] = "STALLED"] = 18;
        values[valuesById[19] = "RESTARTED"] = 19;
        values[valuesById[20] = "COORDINATOR_GONE"] = 20;
        values[valuesById[21] = "NO_NODES"] = 21;
        values[valuesById[22] = "CLONE_FAILED"] = 22;
        values[valuesById[23] = "JOURNAL"] = 23;
        values[valuesById[24] = "INTERRUPTED"] = 24;
        values[valuesById[25] = "INTERNAL"] = 25;
        values[valuesById[26] = "ARCHIVE_REFUSED"] = 26;
        values[valuesById[27] = "IDENTITY_FAILED"] = 27;
        return values;
    })();

    ringcast.Refuse = (function() {

        /**
         * Properties of a Refuse.
         * @typedef {Object} ringcast.Refuse.$Properties
         * @property {string|null} [reason] Refuse reason
         * @property {ringcast.ErrorCode|null} [code] Refuse code
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */

        /**
         * Properties of a Refuse.
         * @memberof ringcast
         * @interface IRefuse
         * @augments ringcast.Refuse.$Properties
         * @deprecated Use ringcast.Refuse.$Properties instead.
         */

        /**
         * Shape of a Refuse.
         * @typedef {ringcast.Refuse.$Properties} ringcast.Refuse.$Shape
         */

        /**
         * Constructs a new Refuse.
         * @memberof ringcast
         * @classdesc Represents a Refuse.
         * @constructor
         * @param {ringcast.Refuse.$Properties=} [properties] Properties to set
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */
        const Refuse = function (properties) {
            if (properties)
                for (let keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        };

        /**
         * Refuse reason.
         * @member {string} reason
         * @memberof ringcast.Refuse
         * @instance
         */
        Refuse.prototype.reason = "";

        /**
         * Refuse code.
         * @member {ringcast.ErrorCode} code
         * @memberof ringcast.Refuse
         * @instance
         */
        Refuse.prototype.code = 0;

        /**
         * Creates a new Refuse instance using the specified properties.
         * @function create
         * @memberof ringcast.Refuse
         * @static
         * @param {ringcast.Refuse.$Properties=} [properties] Properties to set
         * @returns {ringcast.Refuse} Refuse instance
         * @type {{
         *   (properties: ringcast.Refuse.$Shape): ringcast.Refuse & ringcast.Refuse.$Shape;
         *   (properties?: ringcast.Refuse.$Properties): ringcast.Refuse;
         * }}
         */
        Refuse.create = function(properties) {
            return new Refuse(properties);
        };

        /**
         * Encodes the specified Refuse message. Does not implicitly {@link ringcast.Refuse.verify|verify} messages.
         * @function encode
         * @memberof ringcast.Refuse
         * @static
         * @param {ringcast.Refuse.$Properties} message Refuse message or plain object to encode
         * @param {$protobuf.Writer} [writer] Writer to encode to
         * @returns {$protobuf.Writer} Writer
         */
        Refuse.encode = function (message, writer, _depth) {
            if (!writer)
                writer = $Writer.create();
            if (_depth === $undefined)
                _depth = 0;
            if (_depth > $util.recursionLimit)
                throw $Error("max depth exceeded");
            if (message.reason != null && $Object.hasOwnProperty.call(message, "reason") && message.reason !== "")
                writer.uint32(/* id 2, wireType 2 =*/18).string(message.reason);
            if (message.code != null && $Object.hasOwnProperty.call(message, "code") && message.code !== 0)
                writer.uint32(/* id 3, wireType 0 =*/24).int32(message.code);
            if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                for (let i = 0; i < message.$unknowns.length; ++i)
                    writer.raw(message.$unknowns[i]);
            return writer;
        };

        /**
         * Decodes a Refuse message from the specified reader or buffer.
         * @function decode
         * @memberof ringcast.Refuse
         * @static
         * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
         * @param {number} [length] Message length if known beforehand
         * @returns {ringcast.Refuse & ringcast.Refuse.$Shape} Refuse
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        Refuse.decode = function (reader, length, _end, _depth, _target) {
            if (!(reader instanceof $Reader))
                reader = $Reader.create(reader);
            if (_depth === $undefined)
                _depth = 0;
            if (_depth > $Reader.recursionLimit)
                throw $Error("max depth exceeded");
            let end, message, value;
            if (length === $undefined)
                end = reader.len;
            else {
                end = reader.pos + length;
                if (end > reader.len)
                    throw $RangeError("index out of range");
                length = reader.len;
                reader.len = end;
            }
            message = _target || new $root.ringcast.Refuse();
            while (reader.pos < end) {
                let start = reader.pos;
                let tag = reader.tag();
                if (tag === _end) {
                    _end = $undefined;
                    break;
                }
                let wireType = tag & 7;
                switch (tag >>>= 3) {
                case 2: {
                        if (wireType !== 2)
                            break;
                        if ((value = reader.stringVerify()).length)
                            message.reason = value;
                        else
                            delete message.reason;
                        continue;
                    }
                case 3: {
                        if (wireType !== 0)
                            break;
                        if (value = reader.int32())
                            message.code = value;
                        else
                            delete message.code;
                        continue;
                    }
                }
                reader.skipType(wireType, _depth, tag);
                if (!reader.discardUnknown) {
                    $util.makeProp(message, "$unknowns", false);
                    (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                }
            }
            if (length !== $undefined) {
                if (reader.pos !== end)
                    throw $RangeError("index out of range");
                reader.len = length;
            }
            if (_end !== $undefined)
                throw $Error("missing end group");
            return message;
        };

        /**
         * Gets the type url for Refuse
         * @function getTypeUrl
         * @memberof ringcast.Refuse
         * @static
         * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
         * @returns {string} The type url
         */
        Refuse.getTypeUrl = function(prefix) {
            if (prefix === $undefined)
                prefix = "type.googleapis.com";
            return prefix + "/ringcast.Refuse";
        };

        return Refuse;
    })();

    ringcast.Plan = (function() {

        /**
         * Properties of a Plan.
         * @typedef {Object} ringcast.Plan.$Properties
         * @property {string|null} [upstreamPeer] Plan upstreamPeer
         * @property {number|null} [position] Plan position
         * @property {number|null} [chainLength] Plan chainLength
         * @property {Array.<ringcast.Downstream.$Properties>|null} [downstreams] Plan downstreams
         * @property {number|null} [depth] Plan depth
         * @property {string|null} [upstreamHopId] Plan upstreamHopId
         * @property {Uint8Array|null} [upstreamHopKey] Plan upstreamHopKey
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */

        /**
         * Properties of a Plan.
         * @memberof ringcast
         * @interface IPlan
         * @augments ringcast.Plan.$Properties
         * @deprecated Use ringcast.Plan.$Properties instead.
         */

        /**
         * Shape of a Plan.
         * @typedef {ringcast.Plan.$Properties} ringcast.Plan.$Shape
         */

        /**
         * Constructs a new Plan.
         * @memberof ringcast
         * @classdesc Represents a Plan.
         * @constructor
         * @param {ringcast.Plan.$Properties=} [properties] Properties to set
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */
        const Plan = function (properties) {
            this.downstreams = [];
            if (properties)
                for (let keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        };

        /**
         * Plan upstreamPeer.
         * @member {string} upstreamPeer
         * @memberof ringcast.Plan
         * @instance
         */
        Plan.prototype.upstreamPeer = "";

        /**
         * Plan position.
         * @member {number} position
         * @memberof ringcast.Plan
         * @instance
         */
        Plan.prototype.position = 0;

        /**
         * Plan chainLength.
         * @member {number} chainLength
         * @memberof ringcast.Plan
         * @instance
         */
        Plan.prototype.chainLength = 0;

        /**
         * Plan downstreams.
         * @member {Array.<ringcast.Downstream.$Properties>} downstreams
         * @memberof ringcast.Plan
         * @instance
         */
        Plan.prototype.downstreams = $util.emptyArray;

        /**
         * Plan depth.
         * @member {number} depth
         * @memberof ringcast.Plan
         * @instance
         */
        Plan.prototype.depth = 0;

        /**
         * Plan upstreamHopId.
         * @member {string} upstreamHopId
         * @memberof ringcast.Plan
         * @instance
         */
        Plan.prototype.upstreamHopId = "";

        /**
         * Plan upstreamHopKey.
         * @member {Uint8Array} upstreamHopKey
         * @memberof ringcast.Plan
         * @instance
         */
        Plan.prototype.upstreamHopKey = $util.newBuffer([]);

        /**
         * Creates a new Plan instance using the specified properties.
         * @function create
         * @memberof ringcast.Plan
         * @static
         * @param {ringcast.Plan.$Properties=} [properties] Properties to set
         * @returns {ringcast.Plan} Plan instance
         * @type {{
         *   (properties: ringcast.Plan.$Shape): ringcast.Plan & ringcast.Plan.$Shape;
         *   (properties?: ringcast.Plan.$Properties): ringcast.Plan;
         * }}
         */
        Plan.create = function(properties) {
            return new Plan(properties);
        };

        /**
         * Encodes the specified Plan message. Does not implicitly {@link ringcast.Plan.verify|verify} messages.
         * @function encode
         * @memberof ringcast.Plan
         * @static
         * @param {ringcast.Plan.$Properties} message Plan message or plain object to encode
         * @param {$protobuf.Writer} [writer] Writer to encode to
         * @returns {$protobuf.Writer} Writer
         */
        Plan.encode = function (message, writer, _depth) {
            if (!writer)
                writer = $Writer.create();
            if (_depth === $undefined)
                _depth = 0;
            if (_depth > $util.recursionLimit)
                throw $Error("max depth exceeded");
            if (message.upstreamPeer != null && $Object.hasOwnProperty.call(message, "upstreamPeer") && message.upstreamPeer !== "")
                writer.uint32(/* id 1, wireType 2 =*/10).string(message.upstreamPeer);
            if (message.position != null && $Object.hasOwnProperty.call(message, "position") && message.position !== 0)
                writer.uint32(/* id 4, wireType 0 =*/32).uint32(message.position);
            if (message.chainLength != null && $Object.hasOwnProperty.call(message, "chainLength") && message.chainLength !== 0)
                writer.uint32(/* id 5, wireType 0 =*/40).uint32(message.chainLength);
            if (message.downstreams != null && message.downstreams.length)
                for (let i = 0; i < message.downstreams.length; ++i)
                    $root.ringcast.Downstream.encode(message.downstreams[i], writer.uint32(/* id 6, wireType 2 =*/50).fork(), _depth + 1).ldelim();
            if (message.depth != null && $Object.hasOwnProperty.call(message, "depth") && message.depth !== 0)
                writer.uint32(/* id 7, wireType 0 =*/56).uint32(message.depth);
            if (message.upstreamHopId != null && $Object.hasOwnProperty.call(message, "upstreamHopId") && message.upstreamHopId !== "")
                writer.uint32(/* id 8, wireType 2 =*/66).string(message.upstreamHopId);
            if (message.upstreamHopKey != null && $Object.hasOwnProperty.call(message, "upstreamHopKey") && message.upstreamHopKey.length)
                writer.uint32(/* id 9, wireType 2 =*/74).bytes(message.upstreamHopKey);
            if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                for (let i = 0; i < message.$unknowns.length; ++i)
                    writer.raw(message.$unknowns[i]);
            return writer;
        };

        /**
         * Decodes a Plan message from the specified reader or buffer.
         * @function decode
         * @memberof ringcast.Plan
         * @static
         * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
         * @param {number} [length] Message length if known beforehand
         * @returns {ringcast.Plan & ringcast.Plan.$Shape} Plan
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        Plan.decode = function (reader, length, _end, _depth, _target) {
            if (!(reader instanceof $Reader))
                reader = $Reader.create(reader);
            if (_depth === $undefined)
                _depth = 0;
            if (_depth > $Reader.recursionLimit)
                throw $Error("max depth exceeded");
            let end, message, value;
            if (length === $undefined)
                end = reader.len;
            else {
                end = reader.pos + length;
                if (end > reader.len)
                    throw $RangeError("index out of range");
                length = reader.len;
                reader.len = end;
            }
            message = _target || new $root.ringcast.Plan();
            while (reader.pos < end) {
                let start = reader.pos;
                let tag = reader.tag();
                if (tag === _end) {
                    _end = $undefined;
                    break;
                }
                let wireType = tag & 7;
                switch (tag >>>= 3) {
                case 1: {
                        if (wireType !== 2)
                            break;
                        if ((value = reader.stringVerify()).length)
                            message.upstreamPeer = value;
                        else
                            delete message.upstreamPeer;
                        continue;
                    }
                case 4: {
                        if (wireType !== 0)
                            break;
                        if (value = reader.uint32())
                            message.position = value;
                        else
                            delete message.position;
                        continue;
                    }
                case 5: {
                        if (wireType !== 0)
                            break;
                        if (value = reader.uint32())
                            message.chainLength = value;
                        else
                            delete message.chainLength;
                        continue;
                    }
                case 6: {
                        if (wireType !== 2)
                            break;
                        if (!(message.downstreams && message.downstreams.length))
                            message.downstreams = [];
                        message.downstreams.push($root.ringcast.Downstream.decode(reader, reader.size(), $undefined, _depth + 1));
                        continue;
                    }
                case 7: {
                        if (wireType !== 0)
                            break;
                        if (value = reader.uint32())
                            message.depth = value;
                        else
                            delete message.depth;
                        continue;
                    }
                case 8: {
                        if (wireType !== 2)
                            break;
                        if ((value = reader.stringVerify()).length)
                            message.upstreamHopId = value;
                        else
                            delete message.upstreamHopId;
                        continue;
                    }
                case 9: {
                        if (wireType !== 2)
                            break;
                        if ((value = reader.bytes()).length)
                            message.upstreamHopKey = value;
                        else
                            delete message.upstreamHopKey;
                        continue;
                    }
                }
                reader.skipType(wireType, _depth, tag);
                if (!reader.discardUnknown) {
                    $util.makeProp(message, "$unknowns", false);
                    (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                }
            }
            if (length !== $undefined) {
                if (reader.pos !== end)
                    throw $RangeError("index out of range");
                reader.len = length;
            }
            if (_end !== $undefined)
                throw $Error("missing end group");
            return message;
        };

        /**
         * Gets the type url for Plan
         * @function getTypeUrl
         * @memberof ringcast.Plan
         * @static
         * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
         * @returns {string} The type url
         */
        Plan.getTypeUrl = function(prefix) {
            if (prefix === $undefined)
                prefix = "type.googleapis.com";
            return prefix + "/ringcast.Plan";
        };

        return Plan;
    })();

    ringcast.Downstream = (function() {

        /**
         * Properties of a Downstream.
         * @typedef {Object} ringcast.Downstream.$Properties
         * @property {string|null} [peer] Downstream peer
         * @property {Array.<string>|null} [addrs] Downstream addrs
         * @property {boolean|null} [background] Downstream background
         * @property {string|null} [hopId] Downstream hopId
         * @property {Uint8Array|null} [hopKey] Downstream hopKey
         * @property {Array.<string>|null} [dataHosts] Downstream dataHosts
         * @property {number|null} [dataPort] Downstream dataPort
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */

        /**
         * Properties of a Downstream.
         * @memberof ringcast
         * @interface IDownstream
         * @augments ringcast.Downstream.$Properties
         * @deprecated Use ringcast.Downstream.$Properties instead.
         */

        /**
         * Shape of a Downstream.
         * @typedef {ringcast.Downstream.$Properties} ringcast.Downstream.$Shape
         */

        /**
         * Constructs a new Downstream.
         * @memberof ringcast
         * @classdesc Represents a Downstream.
         * @constructor
         * @param {ringcast.Downstream.$Properties=} [properties] Properties to set
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */
        const Downstream = function (properties) {
            this.addrs = [];
            this.dataHosts = [];
            if (properties)
                for (let keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        };

        /**
         * Downstream peer.
         * @member {string} peer
         * @memberof ringcast.Downstream
         * @instance
         */
        Downstream.prototype.peer = "";

        /**
         * Downstream addrs.
         * @member {Array.<string>} addrs
         * @memberof ringcast.Downstream
         * @instance
         */
        Downstream.prototype.addrs = $util.emptyArray;

        /**
         * Downstream background.
         * @member {boolean} background
         * @memberof ringcast.Downstream
         * @instance
         */
        Downstream.prototype.background = false;

        /**
         * Downstream hopId.
         * @member {string} hopId
         * @memberof ringcast.Downstream
         * @instance
         */
        Downstream.prototype.hopId = "";

        /**
         * Downstream hopKey.
         * @member {Uint8Array} hopKey
         * @memberof ringcast.Downstream
         * @instance
         */
        Downstream.prototype.hopKey = $util.newBuffer([]);

        /**
         * Downstream dataHosts.
         * @member {Array.<string>} dataHosts
         * @memberof ringcast.Downstream
         * @instance
         */
        Downstream.prototype.dataHosts = $util.emptyArray;

        /**
         * Downstream dataPort.
         * @member {number} dataPort
         * @memberof ringcast.Downstream
         * @instance
         */
        Downstream.prototype.dataPort = 0;

        /**
         * Creates a new Downstream instance using the specified properties.
         * @function create
         * @memberof ringcast.Downstream
         * @static
         * @param {ringcast.Downstream.$Properties=} [properties] Properties to set
         * @returns {ringcast.Downstream} Downstream instance
         * @type {{
         *   (properties: ringcast.Downstream.$Shape): ringcast.Downstream & ringcast.Downstream.$Shape;
         *   (properties?: ringcast.Downstream.$Properties): ringcast.Downstream;
         * }}
         */
        Downstream.create = function(properties) {
            return new Downstream(properties);
        };

        /**
         * Encodes the specified Downstream message. Does not implicitly {@link ringcast.Downstream.verify|verify} messages.
         * @function encode
         * @memberof ringcast.Downstream
         * @static
         * @param {ringcast.Downstream.$Properties} message Downstream message or plain object to encode
         * @param {$protobuf.Writer} [writer] Writer to encode to
         * @returns {$protobuf.Writer} Writer
         */
        Downstream.encode = function (message, writer, _depth) {
            if (!writer)
                writer = $Writer.create();
            if (_depth === $undefined)
                _depth = 0;
            if (_depth > $util.recursionLimit)
                throw $Error("max depth exceeded");
            if (message.peer != null && $Object.hasOwnProperty.call(message, "peer") && message.peer !== "")
                writer.uint32(/* id 1, wireType 2 =*/10).string(message.peer);
            if (message.addrs != null && message.addrs.length)
                for (let i = 0; i < message.addrs.length; ++i)
                    writer.uint32(/* id 2, wireType 2 =*/18).string(message.addrs[i]);
            if (message.background != null && $Object.hasOwnProperty.call(message, "background") && message.background !== false)
                writer.uint32(/* id 3, wireType 0 =*/24).bool(message.background);
            if (message.hopId != null && $Object.hasOwnProperty.call(message, "hopId") && message.hopId !== "")
                writer.uint32(/* id 4, wireType 2 =*/34).string(message.hopId);
            if (message.hopKey != null && $Object.hasOwnProperty.call(message, "hopKey") && message.hopKey.length)
                writer.uint32(/* id 5, wireType 2 =*/42).bytes(message.hopKey);
            if (message.dataHosts != null && message.dataHosts.length)
                for (let i = 0; i < message.dataHosts.length; ++i)
                    writer.uint32(/* id 6, wireType 2 =*/50).string(message.dataHosts[i]);
            if (message.dataPort != null && $Object.hasOwnProperty.call(message, "dataPort") && message.dataPort !== 0)
                writer.uint32(/* id 7, wireType 0 =*/56).uint32(message.dataPort);
            if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                for (let i = 0; i < message.$unknowns.length; ++i)
                    writer.raw(message.$unknowns[i]);
            return writer;
        };

        /**
         * Decodes a Downstream message from the specified reader or buffer.
         * @function decode
         * @memberof ringcast.Downstream
         * @static
         * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
         * @param {number} [length] Message length if known beforehand
         * @returns {ringcast.Downstream & ringcast.Downstream.$Shape} Downstream
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        Downstream.decode = function (reader, length, _end, _depth, _target) {
            if (!(reader instanceof $Reader))
                reader = $Reader.create(reader);
            if (_depth === $undefined)
                _depth = 0;
            if (_depth > $Reader.recursionLimit)
                throw $Error("max depth exceeded");
            let end, message, value;
            if (length === $undefined)
                end = reader.len;
            else {
                end = reader.pos + length;
                if (end > reader.len)
                    throw $RangeError("index out of range");
                length = reader.len;
                reader.len = end;
            }
            message = _target || new $root.ringcast.Downstream();
            while (reader.pos < end) {
                let start = reader.pos;
                let tag = reader.tag();
                if (tag === _end) {
                    _end = $undefined;
                    break;
                }
                let wireType = tag & 7;
                switch (tag >>>= 3) {
                case 1: {
                        if (wireType !== 2)
                            break;
                        if ((value = reader.stringVerify()).length)
                            message.peer = value;
                        else
                            delete message.peer;
                        continue;
                    }
                case 2: {
                        if (wireType !== 2)
                            break;
                        if (!(message.addrs && message.addrs.length))
                            message.addrs = [];
                        message.addrs.push(reader.stringVerify());
                        continue;
                    }
                case 3: {
                        if (wireType !== 0)
                            break;
                        if (value = reader.bool())
                            message.background = value;
                        else
                            delete message.background;
                        continue;
                    }
                case 4: {
                        if (wireType !== 2)
                            break;
                        if ((value = reader.stringVerify()).length)
                            message.hopId = value;
                        else
                            delete message.hopId;
                        continue;
                    }
                case 5: {
                        if (wireType !== 2)
                            break;
                        if ((value = reader.bytes()).length)
                            message.hopKey = value;
                        else
                            delete message.hopKey;
                        continue;
                    }
                case 6: {
                        if (wireType !== 2)
                            break;
                        if (!(message.dataHosts && message.dataHosts.length))
                            message.dataHosts = [];
                        message.dataHosts.push(reader.stringVerify());
                        continue;
                    }
                case 7: {
                        if (wireType !== 0)
                            break;
                        if (value = reader.uint32())
                            message.dataPort = value;
                        else
                            delete message.dataPort;
                        continue;
                    }
                }
                reader.skipType(wireType, _depth, tag);
                if (!reader.discardUnknown) {
                    $util.makeProp(message, "$unknowns", false);
                    (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                }
            }
            if (length !== $undefined) {
                if (reader.pos !== end)
                    throw $RangeError("index out of range");
                reader.len = length;
            }
            if (_end !== $undefined)
                throw $Error("missing end group");
            return message;
        };

        /**
         * Gets the type url for Downstream
         * @function getTypeUrl
         * @memberof ringcast.Downstream
         * @static
         * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
         * @returns {string} The type url
         */
        Downstream.getTypeUrl = function(prefix) {
            if (prefix === $undefined)
                prefix = "type.googleapis.com";
            return prefix + "/ringcast.Downstream";
        };

        return Downstream;
    })();

    ringcast.Progress = (function() {

        /**
         * Properties of a Progress.
         * @typedef {Object} ringcast.Progress.$Properties
         * @property {number|null} [writtenThrough] Progress writtenThrough
         * @property {number|null} [bytesReceived] Progress bytesReceived
         * @property {number|null} [resumedFrom] Progress resumedFrom
         * @property {string|null} [downstreamPeer] Progress downstreamPeer
         * @property {string|null} [downstreamError] Progress downstreamError
         * @property {Array.<string>|null} [stalledDownstreams] Progress stalledDownstreams
         * @property {string|null} [lyingUpstream] Progress lyingUpstream
         * @property {string|null} [lie] Progress lie
         * @property {number|null} [lieBlockEnd] Progress lieBlockEnd
         * @property {number|null} [unwrittenBytes] Progress unwrittenBytes
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */

        /**
         * Properties of a Progress.
         * @memberof ringcast
         * @interface IProgress
         * @augments ringcast.Progress.$Properties
         * @deprecated Use ringcast.Progress.$Properties instead.
         */

        /**
         * Shape of a Progress.
         * @typedef {ringcast.Progress.$Properties} ringcast.Progress.$Shape
         */

        /**
         * Constructs a new Progress.
         * @memberof ringcast
         * @classdesc Represents a Progress.
         * @constructor
         * @param {ringcast.Progress.$Properties=} [properties] Properties to set
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */
        const Progress = function (properties) {
            this.stalledDownstreams = [];
            if (properties)
                for (let keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        };

        /**
         * Progress writtenThrough.
         * @member {number} writtenThrough
         * @memberof ringcast.Progress
         * @instance
         */
        Progress.prototype.writtenThrough = $util.Long ? $util.Long.fromBits(0,0,true) : 0;

        /**
         * Progress bytesReceived.
         * @member {number} bytesReceived
         * @memberof ringcast.Progress
         * @instance
         */
        Progress.prototype.bytesReceived = $util.Long ? $util.Long.fromBits(0,0,true) : 0;

        /**
         * Progress resumedFrom.
         * @member {number} resumedFrom
         * @memberof ringcast.Progress
         * @instance
         */
        Progress.prototype.resumedFrom = $util.Long ? $util.Long.fromBits(0,0,true) : 0;

        /**
         * Progress downstreamPeer.
         * @member {string} downstreamPeer
         * @memberof ringcast.Progress
         * @instance
         */
        Progress.prototype.downstreamPeer = "";

        /**
         * Progress downstreamError.
         * @member {string} downstreamError
         * @memberof ringcast.Progress
         * @instance
         */
        Progress.prototype.downstreamError = "";

        /**
         * Progress stalledDownstreams.
         * @member {Array.<string>} stalledDownstreams
         * @memberof ringcast.Progress
         * @instance
         */
        Progress.prototype.stalledDownstreams = $util.emptyArray;

        /**
         * Progress lyingUpstream.
         * @member {string} lyingUpstream
         * @memberof ringcast.Progress
         * @instance
         */
        Progress.prototype.lyingUpstream = "";

        /**
         * Progress lie.
         * @member {string} lie
         * @memberof ringcast.Progress
         * @instance
         */
        Progress.prototype.lie = "";

        /**
         * Progress lieBlockEnd.
         * @member {number} lieBlockEnd
         * @memberof ringcast.Progress
         * @instance
         */
        Progress.prototype.lieBlockEnd = $util.Long ? $util.Long.fromBits(0,0,true) : 0;

        /**
         * Progress unwrittenBytes.
         * @member {number} unwrittenBytes
         * @memberof ringcast.Progress
         * @instance
         */
        Progress.prototype.unwrittenBytes = $util.Long ? $util.Long.fromBits(0,0,true) : 0;

        /**
         * Creates a new Progress instance using the specified properties.
         * @function create
         * @memberof ringcast.Progress
         * @static
         * @param {ringcast.Progress.$Properties=} [properties] Properties to set
         * @returns {ringcast.Progress} Progress instance
         * @type {{
         *   (properties: ringcast.Progress.$Shape): ringcast.Progress & ringcast.Progress.$Shape;
         *   (properties?: ringcast.Progress.$Properties): ringcast.Progress;
         * }}
         */
        Progress.create = function(properties) {
            return new Progress(properties);
        };

        /**
         * Encodes the specified Progress message. Does not implicitly {@link ringcast.Progress.verify|verify} messages.
         * @function encode
         * @memberof ringcast.Progress
         * @static
         * @param {ringcast.Progress.$Properties} message Progress message or plain object to encode
         * @param {$protobuf.Writer} [writer] Writer to encode to
         * @returns {$protobuf.Writer} Writer
         */
        Progress.encode = function (message, writer, _depth) {
            if (!writer)
                writer = $Writer.create();
            if (_depth === $undefined)
                _depth = 0;
            if (_depth > $util.recursionLimit)
                throw $Error("max depth exceeded");
            if (message.writtenThrough != null && $Object.hasOwnProperty.call(message, "writtenThrough") && (typeof message.writtenThrough === "object" ? message.writtenThrough.low || message.writtenThrough.high : message.writtenThrough !== 0))
                writer.uint32(/* id 1, wireType 0 =*/8).uint64(message.writtenThrough);
            if (message.bytesReceived != null && $Object.hasOwnProperty.call(message, "bytesReceived") && (typeof message.bytesReceived === "object" ? message.bytesReceived.low || message.bytesReceived.high : message.bytesReceived !== 0))
                writer.uint32(/* id 2, wireType 0 =*/16).uint64(message.bytesReceived);
            if (message.resumedFrom != null && $Object.hasOwnProperty.call(message, "resumedFrom") && (typeof message.resumedFrom === "object" ? message.resumedFrom.low || message.resumedFrom.high : message.resumedFrom !== 0))
                writer.uint32(/* id 4, wireType 0 =*/32).uint64(message.resumedFrom);
            if (message.downstreamPeer != null && $Object.hasOwnProperty.call(message, "downstreamPeer") && message.downstreamPeer !== "")
                writer.uint32(/* id 5, wireType 2 =*/42).string(message.downstreamPeer);
            if (message.downstreamError != null && $Object.hasOwnProperty.call(message, "downstreamError") && message.downstreamError !== "")
                writer.uint32(/* id 6, wireType 2 =*/50).string(message.downstreamError);
            if (message.stalledDownstreams != null && message.stalledDownstreams.length)
                for (let i = 0; i < message.stalledDownstreams.length; ++i)
                    writer.uint32(/* id 7, wireType 2 =*/58).string(message.stalledDownstreams[i]);
            if (message.lyingUpstream != null && $Object.hasOwnProperty.call(message, "lyingUpstream") && message.lyingUpstream !== "")
                writer.uint32(/* id 8, wireType 2 =*/66).string(message.lyingUpstream);
            if (message.lie != null && $Object.hasOwnProperty.call(message, "lie") && message.lie !== "")
                writer.uint32(/* id 9, wireType 2 =*/74).string(message.lie);
            if (message.lieBlockEnd != null && $Object.hasOwnProperty.call(message, "lieBlockEnd") && (typeof message.lieBlockEnd === "object" ? message.lieBlockEnd.low || message.lieBlockEnd.high : message.lieBlockEnd !== 0))
                writer.uint32(/* id 10, wireType 0 =*/80).uint64(message.lieBlockEnd);
            if (message.unwrittenBytes != null && $Object.hasOwnProperty.call(message, "unwrittenBytes") && (typeof message.unwrittenBytes === "object" ? message.unwrittenBytes.low || message.unwrittenBytes.high : message.unwrittenBytes !== 0))
                writer.uint32(/* id 11, wireType 0 =*/88).uint64(message.unwrittenBytes);
            if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                for (let i = 0; i < message.$unknowns.length; ++i)
                    writer.raw(message.$unknowns[i]);
            return writer;
        };

        /**
         * Decodes a Progress message from the specified reader or buffer.
         * @function decode
         * @memberof ringcast.Progress
         * @static
         * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
         * @param {number} [length] Message length if known beforehand
         * @returns {ringcast.Progress & ringcast.Progress.$Shape} Progress
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        Progress.decode = function (reader, length, _end, _depth, _target) {
            if (!(reader instanceof $Reader))
                reader = $Reader.create(reader);
            if (_depth === $undefined)
                _depth = 0;
            if (_depth > $Reader.recursionLimit)
                throw $Error("max depth exceeded");
            let end, message, value;
            if (length === $undefined)
                end = reader.len;
            else {
                end = reader.pos + length;
                if (end > reader.len)
                    throw $RangeError("index out of range");
                length = reader.len;
                reader.len = end;
            }
            message = _target || new $root.ringcast.Progress();
            while (reader.pos < end) {
                let start = reader.pos;
                let tag = reader.tag();
                if (tag === _end) {
                    _end = $undefined;
                    break;
                }
                let wireType = tag & 7;
                switch (tag >>>= 3) {
                case 1: {
                        if (wireType !== 0)
                            break;
                        if (typeof (value = reader.uint64()) === "object" ? value.low || value.high : value !== 0)
                            message.writtenThrough = value;
                        else
                            delete message.writtenThrough;
                        continue;
                    }
                case 2: {
                        if (wireType !== 0)
                            break;
                        if (typeof (value = reader.uint64()) === "object" ? value.low || value.high : value !== 0)
                            message.bytesReceived = value;
                        else
                            delete message.bytesReceived;
                        continue;
                    }
                case 4: {
                        if (wireType !== 0)
                            break;
                        if (typeof (value = reader.uint64()) === "object" ? value.low || value.high : value !== 0)
                            message.resumedFrom = value;
                        else
                            delete message.resumedFrom;
                        continue;
                    }
                case 5: {
                        if (wireType !== 2)
                            break;
                        if ((value = reader.stringVerify()).length)
                            message.downstreamPeer = value;
                        else
                            delete message.downstreamPeer;
                        continue;
                    }
                case 6: {
                        if (wireType !== 2)
                            break;
                        if ((value = reader.stringVerify()).length)
                            message.downstreamError = value;
                        else
                            delete message.downstreamError;
                        continue;
                    }
                case 7: {
                        if (wireType !== 2)
                            break;
                        if (!(message.stalledDownstreams && message.stalledDownstreams.length))
                            message.stalledDownstreams = [];
                        message.stalledDownstreams.push(reader.stringVerify());
                        continue;
                    }
                case 8: {
                        if (wireType !== 2)
                            break;
                        if ((value = reader.stringVerify()).length)
                            message.lyingUpstream = value;
                        else
                            delete message.lyingUpstream;
                        continue;
                    }
                case 9: {
                        if (wireType !== 2)
                            break;
                        if ((value = reader.stringVerify()).length)
                            message.lie = value;
                        else
                            delete message.lie;
                        continue;
                    }
                case 10: {
                        if (wireType !== 0)
                            break;
                        if (typeof (value = reader.uint64()) === "object" ? value.low || value.high : value !== 0)
                            message.lieBlockEnd = value;
                        else
                            delete message.lieBlockEnd;
                        continue;
                    }
                case 11: {
                        if (wireType !== 0)
                            break;
                        if (typeof (value = reader.uint64()) === "object" ? value.low || value.high : value !== 0)
                            message.unwrittenBytes = value;
                        else
                            delete message.unwrittenBytes;
                        continue;
                    }
                }
                reader.skipType(wireType, _depth, tag);
                if (!reader.discardUnknown) {
                    $util.makeProp(message, "$unknowns", false);
                    (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                }
            }
            if (length !== $undefined) {
                if (reader.pos !== end)
                    throw $RangeError("index out of range");
                reader.len = length;
            }
            if (_end !== $undefined)
                throw $Error("missing end group");
            return message;
        };

        /**
         * Gets the type url for Progress
         * @function getTypeUrl
         * @memberof ringcast.Progress
         * @static
         * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
         * @returns {string} The type url
         */
        Progress.getTypeUrl = function(prefix) {
            if (prefix === $undefined)
                prefix = "type.googleapis.com";
            return prefix + "/ringcast.Progress";
        };

        return Progress;
    })();

    ringcast.Done = (function() {

        /**
         * Properties of a Done.
         * @typedef {Object} ringcast.Done.$Properties
         * @property {Uint8Array|null} [sha256] Done sha256
         * @property {number|null} [bytesWritten] Done bytesWritten
         * @property {number|null} [elapsedMs] Done elapsedMs
         * @property {number|null} [peakRssBytes] Done peakRssBytes
         * @property {number|null} [peakInflightBytes] Done peakInflightBytes
         * @property {number|null} [bytesReceived] Done bytesReceived
         * @property {number|null} [resumedFrom] Done resumedFrom
         * @property {boolean|null} [readBack] Done readBack
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */

        /**
         * Properties of a Done.
         * @memberof ringcast
         * @interface IDone
         * @augments ringcast.Done.$Properties
         * @deprecated Use ringcast.Done.$Properties instead.
         */

        /**
         * Shape of a Done.
         * @typedef {ringcast.Done.$Properties} ringcast.Done.$Shape
         */

        /**
         * Constructs a new Done.
         * @memberof ringcast
         * @classdesc Represents a Done.
         * @constructor
         * @param {ringcast.Done.$Properties=} [properties] Properties to set
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */
        const Done = function (properties) {
            if (properties)
                for (let keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        };

        /**
         * Done sha256.
         * @member {Uint8Array} sha256
         * @memberof ringcast.Done
         * @instance
         */
        Done.prototype.sha256 = $util.newBuffer([]);

        /**
         * Done bytesWritten.
         * @member {number} bytesWritten
         * @memberof ringcast.Done
         * @instance
         */
        Done.prototype.bytesWritten = $util.Long ? $util.Long.fromBits(0,0,true) : 0;

        /**
         * Done elapsedMs.
         * @member {number} elapsedMs
         * @memberof ringcast.Done
         * @instance
         */
        Done.prototype.elapsedMs = $util.Long ? $util.Long.fromBits(0,0,true) : 0;

        /**
         * Done peakRssBytes.
         * @member {number} peakRssBytes
         * @memberof ringcast.Done
         * @instance
         */
        Done.prototype.peakRssBytes = $util.Long ? $util.Long.fromBits(0,0,true) : 0;

        /**
         * Done peakInflightBytes.
         * @member {number} peakInflightBytes
         * @memberof ringcast.Done
         * @instance
         */
        Done.prototype.peakInflightBytes = $util.Long ? $util.Long.fromBits(0,0,true) : 0;

        /**
         * Done bytesReceived.
         * @member {number} bytesReceived
         * @memberof ringcast.Done
         * @instance
         */
        Done.prototype.bytesReceived = $util.Long ? $util.Long.fromBits(0,0,true) : 0;

        /**
         * Done resumedFrom.
         * @member {number} resumedFrom
         * @memberof ringcast.Done
         * @instance
         */
        Done.prototype.resumedFrom = $util.Long ? $util.Long.fromBits(0,0,true) : 0;

        /**
         * Done readBack.
         * @member {boolean} readBack
         * @memberof ringcast.Done
         * @instance
         */
        Done.prototype.readBack = false;

        /**
         * Creates a new Done instance using the specified properties.
         * @function create
         * @memberof ringcast.Done
         * @static
         * @param {ringcast.Done.$Properties=} [properties] Properties to set
         * @returns {ringcast.Done} Done instance
         * @type {{
         *   (properties: ringcast.Done.$Shape): ringcast.Done & ringcast.Done.$Shape;
         *   (properties?: ringcast.Done.$Properties): ringcast.Done;
         * }}
         */
        Done.create = function(properties) {
            return new Done(properties);
        };

        /**
         * Encodes the specified Done message. Does not implicitly {@link ringcast.Done.verify|verify} messages.
         * @function encode
         * @memberof ringcast.Done
         * @static
         * @param {ringcast.Done.$Properties} message Done message or plain object to encode
         * @param {$protobuf.Writer} [writer] Writer to encode to
         * @returns {$protobuf.Writer} Writer
         */
        Done.encode = function (message, writer, _depth) {
            if (!writer)
                writer = $Writer.create();
            if (_depth === $undefined)
                _depth = 0;
            if (_depth > $util.recursionLimit)
                throw $Error("max depth exceeded");
            if (message.sha256 != null && $Object.hasOwnProperty.call(message, "sha256") && message.sha256.length)
                writer.uint32(/* id 1, wireType 2 =*/10).bytes(message.sha256);
            if (message.bytesWritten != null && $Object.hasOwnProperty.call(message, "bytesWritten") && (typeof message.bytesWritten === "object" ? message.bytesWritten.low || message.bytesWritten.high : message.bytesWritten !== 0))
                writer.uint32(/* id 2, wireType 0 =*/16).uint64(message.bytesWritten);
            if (message.elapsedMs != null && $Object.hasOwnProperty.call(message, "elapsedMs") && (typeof message.elapsedMs === "object" ? message.elapsedMs.low || message.elapsedMs.high : message.elapsedMs !== 0))
                writer.uint32(/* id 3, wireType 0 =*/24).uint64(message.elapsedMs);
            if (message.peakRssBytes != null && $Object.hasOwnProperty.call(message, "peakRssBytes") && (typeof message.peakRssBytes === "object" ? message.peakRssBytes.low || message.peakRssBytes.high : message.peakRssBytes !== 0))
                writer.uint32(/* id 4, wireType 0 =*/32).uint64(message.peakRssBytes);
            if (message.peakInflightBytes != null && $Object.hasOwnProperty.call(message, "peakInflightBytes") && (typeof message.peakInflightBytes === "object" ? message.peakInflightBytes.low || message.peakInflightBytes.high : message.peakInflightBytes !== 0))
                writer.uint32(/* id 5, wireType 0 =*/40).uint64(message.peakInflightBytes);
            if (message.bytesReceived != null && $Object.hasOwnProperty.call(message, "bytesReceived") && (typeof message.bytesReceived === "object" ? message.bytesReceived.low || message.bytesReceived.high : message.bytesReceived !== 0))
                writer.uint32(/* id 6, wireType 0 =*/48).uint64(message.bytesReceived);
            if (message.resumedFrom != null && $Object.hasOwnProperty.call(message, "resumedFrom") && (typeof message.resumedFrom === "object" ? message.resumedFrom.low || message.resumedFrom.high : message.resumedFrom !== 0))
                writer.uint32(/* id 7, wireType 0 =*/56).uint64(message.resumedFrom);
            if (message.readBack != null && $Object.hasOwnProperty.call(message, "readBack") && message.readBack !== false)
                writer.uint32(/* id 8, wireType 0 =*/64).bool(message.readBack);
            if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                for (let i = 0; i < message.$unknowns.length; ++i)
                    writer.raw(message.$unknowns[i]);
            return writer;
        };

        /**
         * Decodes a Done message from the specified reader or buffer.
         * @function decode
         * @memberof ringcast.Done
         * @static
         * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
         * @param {number} [length] Message length if known beforehand
         * @returns {ringcast.Done & ringcast.Done.$Shape} Done
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        Done.decode = function (reader, length, _end, _depth, _target) {
            if (!(reader instanceof $Reader))
                reader = $Reader.create(reader);
            if (_depth === $undefined)
                _depth = 0;
            if (_depth > $Reader.recursionLimit)
                throw $Error("max depth exceeded");
            let end, message, value;
            if (length === $undefined)
                end = reader.len;
            else {
                end = reader.pos + length;
                if (end > reader.len)
                    throw $RangeError("index out of range");
                length = reader.len;
                reader.len = end;
            }
            message = _target || new $root.ringcast.Done();
            while (reader.pos < end) {
                let start = reader.pos;
                let tag = reader.tag();
                if (tag === _end) {
                    _end = $undefined;
                    break;
                }
                let wireType = tag & 7;
                switch (tag >>>= 3) {
                case 1: {
                        if (wireType !== 2)
                            break;
                        if ((value = reader.bytes()).length)
                            message.sha256 = value;
                        else
                            delete message.sha256;
                        continue;
                    }
                case 2: {
                        if (wireType !== 0)
                            break;
                        if (typeof (value = reader.uint64()) === "object" ? value.low || value.high : value !== 0)
                            message.bytesWritten = value;
                        else
                            delete message.bytesWritten;
                        continue;
                    }
                case 3: {
                        if (wireType !== 0)
                            break;
                        if (typeof (value = reader.uint64()) === "object" ? value.low || value.high : value !== 0)
                            message.elapsedMs = value;
                        else
                            delete message.elapsedMs;
                        continue;
                    }
                case 4: {
                        if (wireType !== 0)
                            break;
                        if (typeof (value = reader.uint64()) === "object" ? value.low || value.high : value !== 0)
                            message.peakRssBytes = value;
                        else
                            delete message.peakRssBytes;
                        continue;
                    }
                case 5: {
                        if (wireType !== 0)
                            break;
                        if (typeof (value = reader.uint64()) === "object" ? value.low || value.high : value !== 0)
                            message.peakInflightBytes = value;
                        else
                            delete message.peakInflightBytes;
                        continue;
                    }
                case 6: {
                        if (wireType !== 0)
                            break;
                        if (typeof (value = reader.uint64()) === "object" ? value.low || value.high : value !== 0)
                            message.bytesReceived = value;
                        else
                            delete message.bytesReceived;
                        continue;
                    }
                case 7: {
                        if (wireType !== 0)
                            break;
                        if (typeof (value = reader.uint64()) === "object" ? value.low || value.high : value !== 0)
                            message.resumedFrom = value;
                        else
                            delete message.resumedFrom;
                        continue;
                    }
                case 8: {
                        if (wireType !== 0)
                            break;
                        if (value = reader.bool())
                            message.readBack = value;
                        else
                            delete message.readBack;
                        continue;
                    }
                }
                reader.skipType(wireType, _depth, tag);
                if (!reader.discardUnknown) {
                    $util.makeProp(message, "$unknowns", false);
                    (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                }
            }
            if (length !== $undefined) {
                if (reader.pos !== end)
                    throw $RangeError("index out of range");
                reader.len = length;
            }
            if (_end !== $undefined)
                throw $Error("missing end group");
            return message;
        };

        /**
         * Gets the type url for Done
         * @function getTypeUrl
         * @memberof ringcast.Done
         * @static
         * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
         * @returns {string} The type url
         */
        Done.getTypeUrl = function(prefix) {
            if (prefix === $undefined)
                prefix = "type.googleapis.com";
            return prefix + "/ringcast.Done";
        };

        return Done;
    })();

    ringcast.Challenge = (function() {

        /**
         * Properties of a Challenge.
         * @typedef {Object} ringcast.Challenge.$Properties
         * @property {Uint8Array|null} [nonce] Challenge nonce
         * @property {Array.<number>|null} [blocks] Challenge blocks
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */

        /**
         * Properties of a Challenge.
         * @memberof ringcast
         * @interface IChallenge
         * @augments ringcast.Challenge.$Properties
         * @deprecated Use ringcast.Challenge.$Properties instead.
         */

        /**
         * Shape of a Challenge.
         * @typedef {ringcast.Challenge.$Properties} ringcast.Challenge.$Shape
         */

        /**
         * Constructs a new Challenge.
         * @memberof ringcast
         * @classdesc Represents a Challenge.
         * @constructor
         * @param {ringcast.Challenge.$Properties=} [properties] Properties to set
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */
        const Challenge = function (properties) {
            this.blocks = [];
            if (properties)
                for (let keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        };

        /**
         * Challenge nonce.
         * @member {Uint8Array} nonce
         * @memberof ringcast.Challenge
         * @instance
         */
        Challenge.prototype.nonce = $util.newBuffer([]);

        /**
         * Challenge blocks.
         * @member {Array.<number>} blocks
         * @memberof ringcast.Challenge
         * @instance
         */
        Challenge.prototype.blocks = $util.emptyArray;

        /**
         * Creates a new Challenge instance using the specified properties.
         * @function create
         * @memberof ringcast.Challenge
         * @static
         * @param {ringcast.Challenge.$Properties=} [properties] Properties to set
         * @returns {ringcast.Challenge} Challenge instance
         * @type {{
         *   (properties: ringcast.Challenge.$Shape): ringcast.Challenge & ringcast.Challenge.$Shape;
         *   (properties?: ringcast.Challenge.$Properties): ringcast.Challenge;
         * }}
         */
        Challenge.create = function(properties) {
            return new Challenge(properties);
        };

        /**
         * Encodes the specified Challenge message. Does not implicitly {@link ringcast.Challenge.verify|verify} messages.
         * @function encode
         * @memberof ringcast.Challenge
         * @static
         * @param {ringcast.Challenge.$Properties} message Challenge message or plain object to encode
         * @param {$protobuf.Writer} [writer] Writer to encode to
         * @returns {$protobuf.Writer} Writer
         */
        Challenge.encode = function (message, writer, _depth) {
            if (!writer)
                writer = $Writer.create();
            if (_depth === $undefined)
                _depth = 0;
            if (_depth > $util.recursionLimit)
                throw $Error("max depth exceeded");
            if (message.nonce != null && $Object.hasOwnProperty.call(message, "nonce") && message.nonce.length)
                writer.uint32(/* id 1, wireType 2 =*/10).bytes(message.nonce);
            if (message.blocks != null && message.blocks.length)
                writer.uint32(/* id 2, wireType 2 =*/18).uint64s(message.blocks);
            if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                for (let i = 0; i < message.$unknowns.length; ++i)
                    writer.raw(message.$unknowns[i]);
            return writer;
        };

        /**
         * Decodes a Challenge message from the specified reader or buffer.
         * @function decode
         * @memberof ringcast.Challenge
         * @static
         * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
         * @param {number} [length] Message length if known beforehand
         * @returns {ringcast.Challenge & ringcast.Challenge.$Shape} Challenge
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        Challenge.decode = function (reader, length, _end, _depth, _target) {
            if (!(reader instanceof $Reader))
                reader = $Reader.create(reader);
            if (_depth === $undefined)
                _depth = 0;
            if (_depth > $Reader.recursionLimit)
                throw $Error("max depth exceeded");
            let end, message, value;
            if (length === $undefined)
                end = reader.len;
            else {
                end = reader.pos + length;
                if (end > reader.len)
                    throw $RangeError("index out of range");
                length = reader.len;
                reader.len = end;
            }
            message = _target || new $root.ringcast.Challenge();
            while (reader.pos < end) {
                let start = reader.pos;
                let tag = reader.tag();
                if (tag === _end) {
                    _end = $undefined;
                    break;
                }
                let wireType = tag & 7;
                switch (tag >>>= 3) {
                case 1: {
                        if (wireType !== 2)
                            break;
                        if ((value = reader.bytes()).length)
                            message.nonce = value;
                        else
                            delete message.nonce;
                        continue;
                    }
                case 2: {
                        if (wireType === 2) {
                            if (!(message.blocks && message.blocks.length))
                                message.blocks = [];
                            reader.uint64s(message.blocks);
                            continue;
                        }
                        if (wireType !== 0)
                            break;
                        if (!(message.blocks && message.blocks.length))
                            message.blocks = [];
                        message.blocks.push(reader.uint64());
                        continue;
                    }
                }
                reader.skipType(wireType, _depth, tag);
                if (!reader.discardUnknown) {
                    $util.makeProp(message, "$unknowns", false);
                    (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                }
            }
            if (length !== $undefined) {
                if (reader.pos !== end)
                    throw $RangeError("index out of range");
                reader.len = length;
            }
            if (_end !== $undefined)
                throw $Error("missing end group");
            return message;
        };

        /**
         * Gets the type url for Challenge
         * @function getTypeUrl
         * @memberof ringcast.Challenge
         * @static
         * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
         * @returns {string} The type url
         */
        Challenge.getTypeUrl = function(prefix) {
            if (prefix === $undefined)
                prefix = "type.googleapis.com";
            return prefix + "/ringcast.Challenge";
        };

        return Challenge;
    })();

    ringcast.Proof = (function() {

        /**
         * Properties of a Proof.
         * @typedef {Object} ringcast.Proof.$Properties
         * @property {Array.<Uint8Array>|null} [hashes] Proof hashes
         * @property {string|null} [error] Proof error
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */

        /**
         * Properties of a Proof.
         * @memberof ringcast
         * @interface IProof
         * @augments ringcast.Proof.$Properties
         * @deprecated Use ringcast.Proof.$Properties instead.
         */

        /**
         * Shape of a Proof.
         * @typedef {ringcast.Proof.$Properties} ringcast.Proof.$Shape
         */

        /**
         * Constructs a new Proof.
         * @memberof ringcast
         * @classdesc Represents a Proof.
         * @constructor
         * @param {ringcast.Proof.$Properties=} [properties] Properties to set
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */
        const Proof = function (properties) {
            this.hashes = [];
            if (properties)
                for (let keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        };

        /**
         * Proof hashes.
         * @member {Array.<Uint8Array>} hashes
         * @memberof ringcast.Proof
         * @instance
         */
        Proof.prototype.hashes = $util.emptyArray;

        /**
         * Proof error.
         * @member {string} error
         * @memberof ringcast.Proof
         * @instance
         */
        Proof.prototype.error = "";

        /**
         * Creates a new Proof instance using the specified properties.
         * @function create
         * @memberof ringcast.Proof
         * @static
         * @param {ringcast.Proof.$Properties=} [properties] Properties to set
         * @returns {ringcast.Proof} Proof instance
         * @type {{
         *   (properties: ringcast.Proof.$Shape): ringcast.Proof & ringcast.Proof.$Shape;
         *   (properties?: ringcast.Proof.$Properties): ringcast.Proof;
         * }}
         */
        Proof.create = function(properties) {
            return new Proof(properties);
        };

        /**
         * Encodes the specified Proof message. Does not implicitly {@link ringcast.Proof.verify|verify} messages.
         * @function encode
         * @memberof ringcast.Proof
         * @static
         * @param {ringcast.Proof.$Properties} message Proof message or plain object to encode
         * @param {$protobuf.Writer} [writer] Writer to encode to
         * @returns {$protobuf.Writer} Writer
         */
        Proof.encode = function (message, writer, _depth) {
            if (!writer)
                writer = $Writer.create();
            if (_depth === $undefined)
                _depth = 0;
            if (_depth > $util.recursionLimit)
                throw $Error("max depth exceeded");
            if (message.hashes != null && message.hashes.length)
                for (let i = 0; i < message.hashes.length; ++i)
                    writer.uint32(/* id 1, wireType 2 =*/10).bytes(message.hashes[i]);
            if (message.error != null && $Object.hasOwnProperty.call(message, "error") && message.error !== "")
                writer.uint32(/* id 2, wireType 2 =*/18).string(message.error);
            if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                for (let i = 0; i < message.$unknowns.length; ++i)
                    writer.raw(message.$unknowns[i]);
            return writer;
        };

        /**
         * Decodes a Proof message from the specified reader or buffer.
         * @function decode
         * @memberof ringcast.Proof
         * @static
         * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
         * @param {number} [length] Message length if known beforehand
         * @returns {ringcast.Proof & ringcast.Proof.$Shape} Proof
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        Proof.decode = function (reader, length, _end, _depth, _target) {
            if (!(reader instanceof $Reader))
                reader = $Reader.create(reader);
            if (_depth === $undefined)
                _depth = 0;
            if (_depth > $Reader.recursionLimit)
                throw $Error("max depth exceeded");
            let end, message, value;
            if (length === $undefined)
                end = reader.len;
            else {
                end = reader.pos + length;
                if (end > reader.len)
                    throw $RangeError("index out of range");
                length = reader.len;
                reader.len = end;
            }
            message = _target || new $root.ringcast.Proof();
            while (reader.pos < end) {
                let start = reader.pos;
                let tag = reader.tag();
                if (tag === _end) {
                    _end = $undefined;
                    break;
                }
                let wireType = tag & 7;
                switch (tag >>>= 3) {
                case 1: {
                        if (wireType !== 2)
                            break;
                        if (!(message.hashes && message.hashes.length))
                            message.hashes = [];
                        message.hashes.push(reader.bytes());
                        continue;
                    }
                case 2: {
                        if (wireType !== 2)
                            break;
                        if ((value = reader.stringVerify()).length)
                            message.error = value;
                        else
                            delete message.error;
                        continue;
                    }
                }
                reader.skipType(wireType, _depth, tag);
                if (!reader.discardUnknown) {
                    $util.makeProp(message, "$unknowns", false);
                    (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                }
            }
            if (length !== $undefined) {
                if (reader.pos !== end)
                    throw $RangeError("index out of range");
                reader.len = length;
            }
            if (_end !== $undefined)
                throw $Error("missing end group");
            return message;
        };

        /**
         * Gets the type url for Proof
         * @function getTypeUrl
         * @memberof ringcast.Proof
         * @static
         * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
         * @returns {string} The type url
         */
        Proof.getTypeUrl = function(prefix) {
            if (prefix === $undefined)
                prefix = "type.googleapis.com";
            return prefix + "/ringcast.Proof";
        };

        return Proof;
    })();

    ringcast.Failed = (function() {

        /**
         * Properties of a Failed.
         * @typedef {Object} ringcast.Failed.$Properties
         * @property {string|null} [reason] Failed reason
         * @property {number|null} [writtenThrough] Failed writtenThrough
         * @property {ringcast.ErrorCode|null} [code] Failed code
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */

        /**
         * Properties of a Failed.
         * @memberof ringcast
         * @interface IFailed
         * @augments ringcast.Failed.$Properties
         * @deprecated Use ringcast.Failed.$Properties instead.
         */

        /**
         * Shape of a Failed.
         * @typedef {ringcast.Failed.$Properties} ringcast.Failed.$Shape
         */

        /**
         * Constructs a new Failed.
         * @memberof ringcast
         * @classdesc Represents a Failed.
         * @constructor
         * @param {ringcast.Failed.$Properties=} [properties] Properties to set
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */
        const Failed = function (properties) {
            if (properties)
                for (let keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        };

        /**
         * Failed reason.
         * @member {string} reason
         * @memberof ringcast.Failed
         * @instance
         */
        Failed.prototype.reason = "";

        /**
         * Failed writtenThrough.
         * @member {number} writtenThrough
         * @memberof ringcast.Failed
         * @instance
         */
        Failed.prototype.writtenThrough = $util.Long ? $util.Long.fromBits(0,0,true) : 0;

        /**
         * Failed code.
         * @member {ringcast.ErrorCode} code
         * @memberof ringcast.Failed
         * @instance
         */
        Failed.prototype.code = 0;

        /**
         * Creates a new Failed instance using the specified properties.
         * @function create
         * @memberof ringcast.Failed
         * @static
         * @param {ringcast.Failed.$Properties=} [properties] Properties to set
         * @returns {ringcast.Failed} Failed instance
         * @type {{
         *   (properties: ringcast.Failed.$Shape): ringcast.Failed & ringcast.Failed.$Shape;
         *   (properties?: ringcast.Failed.$Properties): ringcast.Failed;
         * }}
         */
        Failed.create = function(properties) {
            return new Failed(properties);
        };

        /**
         * Encodes the specified Failed message. Does not implicitly {@link ringcast.Failed.verify|verify} messages.
         * @function encode
         * @memberof ringcast.Failed
         * @static
         * @param {ringcast.Failed.$Properties} message Failed message or plain object to encode
         * @param {$protobuf.Writer} [writer] Writer to encode to
         * @returns {$protobuf.Writer} Writer
         */
        Failed.encode = function (message, writer, _depth) {
            if (!writer)
                writer = $Writer.create();
            if (_depth === $undefined)
                _depth = 0;
            if (_depth > $util.recursionLimit)
                throw $Error("max depth exceeded");
            if (message.reason != null && $Object.hasOwnProperty.call(message, "reason") && message.reason !== "")
                writer.uint32(/* id 2, wireType 2 =*/18).string(message.reason);
            if (message.writtenThrough != null && $Object.hasOwnProperty.call(message, "writtenThrough") && (typeof message.writtenThrough === "object" ? message.writtenThrough.low || message.writtenThrough.high : message.writtenThrough !== 0))
                writer.uint32(/* id 3, wireType 0 =*/24).uint64(message.writtenThrough);
            if (message.code != null && $Object.hasOwnProperty.call(message, "code") && message.code !== 0)
                writer.uint32(/* id 4, wireType 0 =*/32).int32(message.code);
            if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                for (let i = 0; i < message.$unknowns.length; ++i)
                    writer.raw(message.$unknowns[i]);
            return writer;
        };

        /**
         * Decodes a Failed message from the specified reader or buffer.
         * @function decode
         * @memberof ringcast.Failed
         * @static
         * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
         * @param {number} [length] Message length if known beforehand
         * @returns {ringcast.Failed & ringcast.Failed.$Shape} Failed
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        Failed.decode = function (reader, length, _end, _depth, _target) {
            if (!(reader instanceof $Reader))
                reader = $Reader.create(reader);
            if (_depth === $undefined)
                _depth = 0;
            if (_depth > $Reader.recursionLimit)
                throw $Error("max depth exceeded");
            let end, message, value;
            if (length === $undefined)
                end = reader.len;
            else {
                end = reader.pos + length;
                if (end > reader.len)
                    throw $RangeError("index out of range");
                length = reader.len;
                reader.len = end;
            }
            message = _target || new $root.ringcast.Failed();
            while (reader.pos < end) {
                let start = reader.pos;
                let tag = reader.tag();
                if (tag === _end) {
                    _end = $undefined;
                    break;
                }
                let wireType = tag & 7;
                switch (tag >>>= 3) {
                case 2: {
                        if (wireType !== 2)
                            break;
                        if ((value = reader.stringVerify()).length)
                            message.reason = value;
                        else
                            delete message.reason;
                        continue;
                    }
                case 3: {
                        if (wireType !== 0)
                            break;
                        if (typeof (value = reader.uint64()) === "object" ? value.low || value.high : value !== 0)
                            message.writtenThrough = value;
                        else
                            delete message.writtenThrough;
                        continue;
                    }
                case 4: {
                        if (wireType !== 0)
                            break;
                        if (value = reader.int32())
                            message.code = value;
                        else
                            delete message.code;
                        continue;
                    }
                }
                reader.skipType(wireType, _depth, tag);
                if (!reader.discardUnknown) {
                    $util.makeProp(message, "$unknowns", false);
                    (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                }
            }
            if (length !== $undefined) {
                if (reader.pos !== end)
                    throw $RangeError("index out of range");
                reader.len = length;
            }
            if (_end !== $undefined)
                throw $Error("missing end group");
            return message;
        };

        /**
         * Gets the type url for Failed
         * @function getTypeUrl
         * @memberof ringcast.Failed
         * @static
         * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
         * @returns {string} The type url
         */
        Failed.getTypeUrl = function(prefix) {
            if (prefix === $undefined)
                prefix = "type.googleapis.com";
            return prefix + "/ringcast.Failed";
        };

        return Failed;
    })();

    ringcast.Verdict = (function() {

        /**
         * Properties of a Verdict.
         * @typedef {Object} ringcast.Verdict.$Properties
         * @property {boolean|null} [verified] Verdict verified
         * @property {Uint8Array|null} [sourceSha256] Verdict sourceSha256
         * @property {string|null} [reason] Verdict reason
         * @property {string|null} [hostname] Verdict hostname
         * @property {Array.<ringcast.IdentityField.$Properties>|null} [fields] Verdict fields
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */

        /**
         * Properties of a Verdict.
         * @memberof ringcast
         * @interface IVerdict
         * @augments ringcast.Verdict.$Properties
         * @deprecated Use ringcast.Verdict.$Properties instead.
         */

        /**
         * Shape of a Verdict.
         * @typedef {ringcast.Verdict.$Properties} ringcast.Verdict.$Shape
         */

        /**
         * Constructs a new Verdict.
         * @memberof ringcast
         * @classdesc Represents a Verdict.
         * @constructor
         * @param {ringcast.Verdict.$Properties=} [properties] Properties to set
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */
        const Verdict = function (properties) {
            this.fields = [];
            if (properties)
                for (let keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        };

        /**
         * Verdict verified.
         * @member {boolean} verified
         * @memberof ringcast.Verdict
         * @instance
         */
        Verdict.prototype.verified = false;

        /**
         * Verdict sourceSha256.
         * @member {Uint8Array} sourceSha256
         * @memberof ringcast.Verdict
         * @instance
         */
        Verdict.prototype.sourceSha256 = $util.newBuffer([]);

        /**
         * Verdict reason.
         * @member {string} reason
         * @memberof ringcast.Verdict
         * @instance
         */
        Verdict.prototype.reason = "";

        /**
         * Verdict hostname.
         * @member {string} hostname
         * @memberof ringcast.Verdict
         * @instance
         */
        Verdict.prototype.hostname = "";

        /**
         * Verdict fields.
         * @member {Array.<ringcast.IdentityField.$Properties>} fields
         * @memberof ringcast.Verdict
         * @instance
         */
        Verdict.prototype.fields = $util.emptyArray;

        /**
         * Creates a new Verdict instance using the specified properties.
         * @function create
         * @memberof ringcast.Verdict
         * @static
         * @param {ringcast.Verdict.$Properties=} [properties] Properties to set
         * @returns {ringcast.Verdict} Verdict instance
         * @type {{
         *   (properties: ringcast.Verdict.$Shape): ringcast.Verdict & ringcast.Verdict.$Shape;
         *   (properties?: ringcast.Verdict.$Properties): ringcast.Verdict;
         * }}
         */
        Verdict.create = function(properties) {
            return new Verdict(properties);
        };

        /**
         * Encodes the specified Verdict message. Does not implicitly {@link ringcast.Verdict.verify|verify} messages.
         * @function encode
         * @memberof ringcast.Verdict
         * @static
         * @param {ringcast.Verdict.$Properties} message Verdict message or plain object to encode
         * @param {$protobuf.Writer} [writer] Writer to encode to
         * @returns {$protobuf.Writer} Writer
         */
        Verdict.encode = function (message, writer, _depth) {
            if (!writer)
                writer = $Writer.create();
            if (_depth === $undefined)
                _depth = 0;
            if (_depth > $util.recursionLimit)
                throw $Error("max depth exceeded");
            if (message.verified != null && $Object.hasOwnProperty.call(message, "verified") && message.verified !== false)
                writer.uint32(/* id 1, wireType 0 =*/8).bool(message.verified);
            if (message.sourceSha256 != null && $Object.hasOwnProperty.call(message, "sourceSha256") && message.sourceSha256.length)
                writer.uint32(/* id 2, wireType 2 =*/18).bytes(message.sourceSha256);
            if (message.reason != null && $Object.hasOwnProperty.call(message, "reason") && message.reason !== "")
                writer.uint32(/* id 3, wireType 2 =*/26).string(message.reason);
            if (message.hostname != null && $Object.hasOwnProperty.call(message, "hostname") && message.hostname !== "")
                writer.uint32(/* id 4, wireType 2 =*/34).string(message.hostname);
            if (message.fields != null && message.fields.length)
                for (let i = 0; i < message.fields.length; ++i)
                    $root.ringcast.IdentityField.encode(message.fields[i], writer.uint32(/* id 5, wireType 2 =*/42).fork(), _depth + 1).ldelim();
            if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                for (let i = 0; i < message.$unknowns.length; ++i)
                    writer.raw(message.$unknowns[i]);
            return writer;
        };

        /**
         * Decodes a Verdict message from the specified reader or buffer.
         * @function decode
         * @memberof ringcast.Verdict
         * @static
         * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
         * @param {number} [length] Message length if known beforehand
         * @returns {ringcast.Verdict & ringcast.Verdict.$Shape} Verdict
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        Verdict.decode = function (reader, length, _end, _depth, _target) {
            if (!(reader instanceof $Reader))
                reader = $Reader.create(reader);
            if (_depth === $undefined)
                _depth = 0;
            if (_depth > $Reader.recursionLimit)
                throw $Error("max depth exceeded");
            let end, message, value;
            if (length === $undefined)
                end = reader.len;
            else {
                end = reader.pos + length;
                if (end > reader.len)
                    throw $RangeError("index out of range");
                length = reader.len;
                reader.len = end;
            }
            message = _target || new $root.ringcast.Verdict();
            while (reader.pos < end) {
                let start = reader.pos;
                let tag = reader.tag();
                if (tag === _end) {
                    _end = $undefined;
                    break;
                }
                let wireType = tag & 7;
                switch (tag >>>= 3) {
                case 1: {
                        if (wireType !== 0)
                            break;
                        if (value = reader.bool())
                            message.verified = value;
                        else
                            delete message.verified;
                        continue;
                    }
                case 2: {
                        if (wireType !== 2)
                            break;
                        if ((value = reader.bytes()).length)
                            message.sourceSha256 = value;
                        else
                            delete message.sourceSha256;
                        continue;
                    }
                case 3: {
                        if (wireType !== 2)
                            break;
                        if ((value = reader.stringVerify()).length)
                            message.reason = value;
                        else
                            delete message.reason;
                        continue;
                    }
                case 4: {
                        if (wireType !== 2)
                            break;
                        if ((value = reader.stringVerify()).length)
                            message.hostname = value;
                        else
                            delete message.hostname;
                        continue;
                    }
                case 5: {
                        if (wireType !== 2)
                            break;
                        if (!(message.fields && message.fields.length))
                            message.fields = [];
                        message.fields.push($root.ringcast.IdentityField.decode(reader, reader.size(), $undefined, _depth + 1));
                        continue;
                    }
                }
                reader.skipType(wireType, _depth, tag);
                if (!reader.discardUnknown) {
                    $util.makeProp(message, "$unknowns", false);
                    (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                }
            }
            if (length !== $undefined) {
                if (reader.pos !== end)
                    throw $RangeError("index out of range");
                reader.len = length;
            }
            if (_end !== $undefined)
                throw $Error("missing end group");
            return message;
        };

        /**
         * Gets the type url for Verdict
         * @function getTypeUrl
         * @memberof ringcast.Verdict
         * @static
         * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
         * @returns {string} The type url
         */
        Verdict.getTypeUrl = function(prefix) {
            if (prefix === $undefined)
                prefix = "type.googleapis.com";
            return prefix + "/ringcast.Verdict";
        };

        return Verdict;
    })();

    ringcast.IdentityField = (function() {

        /**
         * Properties of an IdentityField.
         * @typedef {Object} ringcast.IdentityField.$Properties
         * @property {string|null} [name] IdentityField name
         * @property {string|null} [value] IdentityField value
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */

        /**
         * Properties of an IdentityField.
         * @memberof ringcast
         * @interface IIdentityField
         * @augments ringcast.IdentityField.$Properties
         * @deprecated Use ringcast.IdentityField.$Properties instead.
         */

        /**
         * Shape of an IdentityField.
         * @typedef {ringcast.IdentityField.$Properties} ringcast.IdentityField.$Shape
         */

        /**
         * Constructs a new IdentityField.
         * @memberof ringcast
         * @classdesc Represents an IdentityField.
         * @constructor
         * @param {ringcast.IdentityField.$Properties=} [properties] Properties to set
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */
        const IdentityField = function (properties) {
            if (properties)
                for (let keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        };

        /**
         * IdentityField name.
         * @member {string} name
         * @memberof ringcast.IdentityField
         * @instance
         */
        IdentityField.prototype.name = "";

        /**
         * IdentityField value.
         * @member {string} value
         * @memberof ringcast.IdentityField
         * @instance
         */
        IdentityField.prototype.value = "";

        /**
         * Creates a new IdentityField instance using the specified properties.
         * @function create
         * @memberof ringcast.IdentityField
         * @static
         * @param {ringcast.IdentityField.$Properties=} [properties] Properties to set
         * @returns {ringcast.IdentityField} IdentityField instance
         * @type {{
         *   (properties: ringcast.IdentityField.$Shape): ringcast.IdentityField & ringcast.IdentityField.$Shape;
         *   (properties?: ringcast.IdentityField.$Properties): ringcast.IdentityField;
         * }}
         */
        IdentityField.create = function(properties) {
            return new IdentityField(properties);
        };

        /**
         * Encodes the specified IdentityField message. Does not implicitly {@link ringcast.IdentityField.verify|verify} messages.
         * @function encode
         * @memberof ringcast.IdentityField
         * @static
         * @param {ringcast.IdentityField.$Properties} message IdentityField message or plain object to encode
         * @param {$protobuf.Writer} [writer] Writer to encode to
         * @returns {$protobuf.Writer} Writer
         */
        IdentityField.encode = function (message, writer, _depth) {
            if (!writer)
                writer = $Writer.create();
            if (_depth === $undefined)
                _depth = 0;
            if (_depth > $util.recursionLimit)
                throw $Error("max depth exceeded");
            if (message.name != null && $Object.hasOwnProperty.call(message, "name") && message.name !== "")
                writer.uint32(/* id 1, wireType 2 =*/10).string(message.name);
            if (message.value != null && $Object.hasOwnProperty.call(message, "value") && message.value !== "")
                writer.uint32(/* id 2, wireType 2 =*/18).string(message.value);
            if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                for (let i = 0; i < message.$unknowns.length; ++i)
                    writer.raw(message.$unknowns[i]);
            return writer;
        };

        /**
         * Decodes an IdentityField message from the specified reader or buffer.
         * @function decode
         * @memberof ringcast.IdentityField
         * @static
         * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
         * @param {number} [length] Message length if known beforehand
         * @returns {ringcast.IdentityField & ringcast.IdentityField.$Shape} IdentityField
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        IdentityField.decode = function (reader, length, _end, _depth, _target) {
            if (!(reader instanceof $Reader))
                reader = $Reader.create(reader);
            if (_depth === $undefined)
                _depth = 0;
            if (_depth > $Reader.recursionLimit)
                throw $Error("max depth exceeded");
            let end, message, value;
            if (length === $undefined)
                end = reader.len;
            else {
                end = reader.pos + length;
                if (end > reader.len)
                    throw $RangeError("index out of range");
                length = reader.len;
                reader.len = end;
            }
            message = _target || new $root.ringcast.IdentityField();
            while (reader.pos < end) {
                let start = reader.pos;
                let tag = reader.tag();
                if (tag === _end) {
                    _end = $undefined;
                    break;
                }
                let wireType = tag & 7;
                switch (tag >>>= 3) {
                case 1: {
                        if (wireType !== 2)
                            break;
                        if ((value = reader.stringVerify()).length)
                            message.name = value;
                        else
                            delete message.name;
                        continue;
                    }
                case 2: {
                        if (wireType !== 2)
                            break;
                        if ((value = reader.stringVerify()).length)
                            message.value = value;
                        else
                            delete message.value;
                        continue;
                    }
                }
                reader.skipType(wireType, _depth, tag);
                if (!reader.discardUnknown) {
                    $util.makeProp(message, "$unknowns", false);
                    (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                }
            }
            if (length !== $undefined) {
                if (reader.pos !== end)
                    throw $RangeError("index out of range");
                reader.len = length;
            }
            if (_end !== $undefined)
                throw $Error("missing end group");
            return message;
        };

        /**
         * Gets the type url for IdentityField
         * @function getTypeUrl
         * @memberof ringcast.IdentityField
         * @static
         * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
         * @returns {string} The type url
         */
        IdentityField.getTypeUrl = function(prefix) {
            if (prefix === $undefined)
                prefix = "type.googleapis.com";
            return prefix + "/ringcast.IdentityField";
        };

        return IdentityField;
    })();

    ringcast.IdentityDone = (function() {

        /**
         * Properties of an IdentityDone.
         * @typedef {Object} ringcast.IdentityDone.$Properties
         * @property {boolean|null} [ok] IdentityDone ok
         * @property {string|null} [reason] IdentityDone reason
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */

        /**
         * Properties of an IdentityDone.
         * @memberof ringcast
         * @interface IIdentityDone
         * @augments ringcast.IdentityDone.$Properties
         * @deprecated Use ringcast.IdentityDone.$Properties instead.
         */

        /**
         * Shape of an IdentityDone.
         * @typedef {ringcast.IdentityDone.$Properties} ringcast.IdentityDone.$Shape
         */

        /**
         * Constructs a new IdentityDone.
         * @memberof ringcast
         * @classdesc Represents an IdentityDone.
         * @constructor
         * @param {ringcast.IdentityDone.$Properties=} [properties] Properties to set
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */
        const IdentityDone = function (properties) {
            if (properties)
                for (let keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        };

        /**
         * IdentityDone ok.
         * @member {boolean} ok
         * @memberof ringcast.IdentityDone
         * @instance
         */
        IdentityDone.prototype.ok = false;

        /**
         * IdentityDone reason.
         * @member {string} reason
         * @memberof ringcast.IdentityDone
         * @instance
         */
        IdentityDone.prototype.reason = "";

        /**
         * Creates a new IdentityDone instance using the specified properties.
         * @function create
         * @memberof ringcast.IdentityDone
         * @static
         * @param {ringcast.IdentityDone.$Properties=} [properties] Properties to set
         * @returns {ringcast.IdentityDone} IdentityDone instance
         * @type {{
         *   (properties: ringcast.IdentityDone.$Shape): ringcast.IdentityDone & ringcast.IdentityDone.$Shape;
         *   (properties?: ringcast.IdentityDone.$Properties): ringcast.IdentityDone;
         * }}
         */
        IdentityDone.create = function(properties) {
            return new IdentityDone(properties);
        };

        /**
         * Encodes the specified IdentityDone message. Does not implicitly {@link ringcast.IdentityDone.verify|verify} messages.
         * @function encode
         * @memberof ringcast.IdentityDone
         * @static
         * @param {ringcast.IdentityDone.$Properties} message IdentityDone message or plain object to encode
         * @param {$protobuf.Writer} [writer] Writer to encode to
         * @returns {$protobuf.Writer} Writer
         */
        IdentityDone.encode = function (message, writer, _depth) {
            if (!writer)
                writer = $Writer.create();
            if (_depth === $undefined)
                _depth = 0;
            if (_depth > $util.recursionLimit)
                throw $Error("max depth exceeded");
            if (message.ok != null && $Object.hasOwnProperty.call(message, "ok") && message.ok !== false)
                writer.uint32(/* id 1, wireType 0 =*/8).bool(message.ok);
            if (message.reason != null && $Object.hasOwnProperty.call(message, "reason") && message.reason !== "")
                writer.uint32(/* id 2, wireType 2 =*/18).string(message.reason);
            if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                for (let i = 0; i < message.$unknowns.length; ++i)
                    writer.raw(message.$unknowns[i]);
            return writer;
        };

        /**
         * Decodes an IdentityDone message from the specified reader or buffer.
         * @function decode
         * @memberof ringcast.IdentityDone
         * @static
         * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
         * @param {number} [length] Message length if known beforehand
         * @returns {ringcast.IdentityDone & ringcast.IdentityDone.$Shape} IdentityDone
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        IdentityDone.decode = function (reader, length, _end, _depth, _target) {
            if (!(reader instanceof $Reader))
                reader = $Reader.create(reader);
            if (_depth === $undefined)
                _depth = 0;
            if (_depth > $Reader.recursionLimit)
                throw $Error("max depth exceeded");
            let end, message, value;
            if (length === $undefined)
                end = reader.len;
            else {
                end = reader.pos + length;
                if (end > reader.len)
                    throw $RangeError("index out of range");
                length = reader.len;
                reader.len = end;
            }
            message = _target || new $root.ringcast.IdentityDone();
            while (reader.pos < end) {
                let start = reader.pos;
                let tag = reader.tag();
                if (tag === _end) {
                    _end = $undefined;
                    break;
                }
                let wireType = tag & 7;
                switch (tag >>>= 3) {
                case 1: {
                        if (wireType !== 0)
                            break;
                        if (value = reader.bool())
                            message.ok = value;
                        else
                            delete message.ok;
                        continue;
                    }
                case 2: {
                        if (wireType !== 2)
                            break;
                        if ((value = reader.stringVerify()).length)
                            message.reason = value;
                        else
                            delete message.reason;
                        continue;
                    }
                }
                reader.skipType(wireType, _depth, tag);
                if (!reader.discardUnknown) {
                    $util.makeProp(message, "$unknowns", false);
                    (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                }
            }
            if (length !== $undefined) {
                if (reader.pos !== end)
                    throw $RangeError("index out of range");
                reader.len = length;
            }
            if (_end !== $undefined)
                throw $Error("missing end group");
            return message;
        };

        /**
         * Gets the type url for IdentityDone
         * @function getTypeUrl
         * @memberof ringcast.IdentityDone
         * @static
         * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
         * @returns {string} The type url
         */
        IdentityDone.getTypeUrl = function(prefix) {
            if (prefix === $undefined)
                prefix = "type.googleapis.com";
            return prefix + "/ringcast.IdentityDone";
        };

        return IdentityDone;
    })();

    ringcast.ControlMessage = (function() {

        /**
         * Properties of a ControlMessage.
         * @typedef {Object} ringcast.ControlMessage.$Properties
         * @property {ringcast.Join.$Properties|null} [join] ControlMessage join
         * @property {ringcast.Welcome.$Properties|null} [welcome] ControlMessage welcome
         * @property {ringcast.Refuse.$Properties|null} [refuse] ControlMessage refuse
         * @property {ringcast.Plan.$Properties|null} [plan] ControlMessage plan
         * @property {ringcast.Progress.$Properties|null} [progress] ControlMessage progress
         * @property {ringcast.Done.$Properties|null} [done] ControlMessage done
         * @property {ringcast.Failed.$Properties|null} [failed] ControlMessage failed
         * @property {ringcast.Verdict.$Properties|null} [verdict] ControlMessage verdict
         * @property {ringcast.Challenge.$Properties|null} [challenge] ControlMessage challenge
         * @property {ringcast.Proof.$Properties|null} [proof] ControlMessage proof
         * @property {ringcast.IdentityDone.$Properties|null} [identityDone] ControlMessage identityDone
         * @property {"join"|"welcome"|"refuse"|"plan"|"progress"|"done"|"failed"|"verdict"|"challenge"|"proof"|"identityDone"} [body] ControlMessage body
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */

        /**
         * Properties of a ControlMessage.
         * @memberof ringcast
         * @interface IControlMessage
         * @augments ringcast.ControlMessage.$Properties
         * @deprecated Use ringcast.ControlMessage.$Properties instead.
         */

        /**
         * Narrowed shape of a ControlMessage.
         * @typedef {{
         *   join?: ringcast.Join.$Shape|null;
         *   welcome?: ringcast.Welcome.$Shape|null;
         *   refuse?: ringcast.Refuse.$Shape|null;
         *   plan?: ringcast.Plan.$Shape|null;
         *   progress?: ringcast.Progress.$Shape|null;
         *   done?: ringcast.Done.$Shape|null;
         *   failed?: ringcast.Failed.$Shape|null;
         *   verdict?: ringcast.Verdict.$Shape|null;
         *   challenge?: ringcast.Challenge.$Shape|null;
         *   proof?: ringcast.Proof.$Shape|null;
         *   identityDone?: ringcast.IdentityDone.$Shape|null;
         *   $unknowns?: Array.<Uint8Array>;
         * } & (
         *   ({ body?: undefined; join?: null; welcome?: null; refuse?: null; plan?: null; progress?: null; done?: null; failed?: null; verdict?: null; challenge?: null; proof?: null; identityDone?: null }|{ body?: "join"; join: ringcast.Join.$Shape; welcome?: null; refuse?: null; plan?: null; progress?: null; done?: null; failed?: null; verdict?: null; challenge?: null; proof?: null; identityDone?: null }|{ body?: "welcome"; join?: null; welcome: ringcast.Welcome.$Shape; refuse?: null; plan?: null; progress?: null; done?: null; failed?: null; verdict?: null; challenge?: null; proof?: null; identityDone?: null }|{ body?: "refuse"; join?: null; welcome?: null; refuse: ringcast.Refuse.$Shape; plan?: null; progress?: null; done?: null; failed?: null; verdict?: null; challenge?: null; proof?: null; identityDone?: null }|{ body?: "plan"; join?: null; welcome?: null; refuse?: null; plan: ringcast.Plan.$Shape; progress?: null; done?: null; failed?: null; verdict?: null; challenge?: null; proof?: null; identityDone?: null }|{ body?: "progress"; join?: null; welcome?: null; refuse?: null; plan?: null; progress: ringcast.Progress.$Shape; done?: null; failed?: null; verdict?: null; challenge?: null; proof?: null; identityDone?: null }|{ body?: "done"; join?: null; welcome?: null; refuse?: null; plan?: null; progress?: null; done: ringcast.Done.$Shape; failed?: null; verdict?: null; challenge?: null; proof?: null; identityDone?: null }|{ body?: "failed"; join?: null; welcome?: null; refuse?: null; plan?: null; progress?: null; done?: null; failed: ringcast.Failed.$Shape; verdict?: null; challenge?: null; proof?: null; identityDone?: null }|{ body?: "verdict"; join?: null; welcome?: null; refuse?: null; plan?: null; progress?: null; done?: null; failed?: null; verdict: ringcast.Verdict.$Shape; challenge?: null; proof?: null; identityDone?: null }|{ body?: "challenge"; join?: null; welcome?: null; refuse?: null; plan?: null; progress?: null; done?: null; failed?: null; verdict?: null; challenge: ringcast.Challenge.$Shape; proof?: null; identityDone?: null }|{ body?: "proof"; join?: null; welcome?: null; refuse?: null; plan?: null; progress?: null; done?: null; failed?: null; verdict?: null; challenge?: null; proof: ringcast.Proof.$Shape; identityDone?: null }|{ body?: "identityDone"; join?: null; welcome?: null; refuse?: null; plan?: null; progress?: null; done?: null; failed?: null; verdict?: null; challenge?: null; proof?: null; identityDone: ringcast.IdentityDone.$Shape })
         * )} ringcast.ControlMessage.$Shape
         */

        /**
         * Constructs a new ControlMessage.
         * @memberof ringcast
         * @classdesc Represents a ControlMessage.
         * @constructor
         * @param {ringcast.ControlMessage.$Properties=} [properties] Properties to set
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */
        const ControlMessage = function (properties) {
            if (properties)
                for (let keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        };

        /**
         * ControlMessage join.
         * @member {ringcast.Join.$Properties|null|undefined} join
         * @memberof ringcast.ControlMessage
         * @instance
         */
        ControlMessage.prototype.join = null;

        /**
         * ControlMessage welcome.
         * @member {ringcast.Welcome.$Properties|null|undefined} welcome
         * @memberof ringcast.ControlMessage
         * @instance
         */
        ControlMessage.prototype.welcome = null;

        /**
         * ControlMessage refuse.
         * @member {ringcast.Refuse.$Properties|null|undefined} refuse
         * @memberof ringcast.ControlMessage
         * @instance
         */
        ControlMessage.prototype.refuse = null;

        /**
         * ControlMessage plan.
         * @member {ringcast.Plan.$Properties|null|undefined} plan
         * @memberof ringcast.ControlMessage
         * @instance
         */
        ControlMessage.prototype.plan = null;

        /**
         * ControlMessage progress.
         * @member {ringcast.Progress.$Properties|null|undefined} progress
         * @memberof ringcast.ControlMessage
         * @instance
         */
        ControlMessage.prototype.progress = null;

        /**
         * ControlMessage done.
         * @member {ringcast.Done.$Properties|null|undefined} done
         * @memberof ringcast.ControlMessage
         * @instance
         */
        ControlMessage.prototype.done = null;

        /**
         * ControlMessage failed.
         * @member {ringcast.Failed.$Properties|null|undefined} failed
         * @memberof ringcast.ControlMessage
         * @instance
         */
        ControlMessage.prototype.failed = null;

        /**
         * ControlMessage verdict.
         * @member {ringcast.Verdict.$Properties|null|undefined} verdict
         * @memberof ringcast.ControlMessage
         * @instance
         */
        ControlMessage.prototype.verdict = null;

        /**
         * ControlMessage challenge.
         * @member {ringcast.Challenge.$Properties|null|undefined} challenge
         * @memberof ringcast.ControlMessage
         * @instance
         */
        ControlMessage.prototype.challenge = null;

        /**
         * ControlMessage proof.
         * @member {ringcast.Proof.$Properties|null|undefined} proof
         * @memberof ringcast.ControlMessage
         * @instance
         */
        ControlMessage.prototype.proof = null;

        /**
         * ControlMessage identityDone.
         * @member {ringcast.IdentityDone.$Properties|null|undefined} identityDone
         * @memberof ringcast.ControlMessage
         * @instance
         */
        ControlMessage.prototype.identityDone = null;

        // OneOf field names bound to virtual getters and setters
        let $oneOfFields;

        /**
         * ControlMessage body.
         * @member {"join"|"welcome"|"refuse"|"plan"|"progress"|"done"|"failed"|"verdict"|"challenge"|"proof"|"identityDone"|undefined} body
         * @memberof ringcast.ControlMessage
         * @instance
         */
        $Object.defineProperty(ControlMessage.prototype, "body", {
            get: $util.oneOfGetter($oneOfFields = ["join", "welcome", "refuse", "plan", "progress", "done", "failed", "verdict", "challenge", "proof", "identityDone"]),
            set: $util.oneOfSetter($oneOfFields)
        });

        /**
         * Creates a new ControlMessage instance using the specified properties.
         * @function create
         * @memberof ringcast.ControlMessage
         * @static
         * @param {ringcast.ControlMessage.$Properties=} [properties] Properties to set
         * @returns {ringcast.ControlMessage} ControlMessage instance
         * @type {{
         *   (properties: ringcast.ControlMessage.$Shape): ringcast.ControlMessage & ringcast.ControlMessage.$Shape;
         *   (properties?: ringcast.ControlMessage.$Properties): ringcast.ControlMessage;
         * }}
         */
        ControlMessage.create = function(properties) {
            return new ControlMessage(properties);
        };

        /**
         * Encodes the specified ControlMessage message. Does not implicitly {@link ringcast.ControlMessage.verify|verify} messages.
         * @function encode
         * @memberof ringcast.ControlMessage
         * @static
         * @param {ringcast.ControlMessage.$Properties} message ControlMessage message or plain object to encode
         * @param {$protobuf.Writer} [writer] Writer to encode to
         * @returns {$protobuf.Writer} Writer
         */
        ControlMessage.encode = function (message, writer, _depth) {
            if (!writer)
                writer = $Writer.create();
            if (_depth === $undefined)
                _depth = 0;
            if (_depth > $util.recursionLimit)
                throw $Error("max depth exceeded");
            if (message.join != null && $Object.hasOwnProperty.call(message, "join"))
                $root.ringcast.Join.encode(message.join, writer.uint32(/* id 1, wireType 2 =*/10).fork(), _depth + 1).ldelim();
            if (message.welcome != null && $Object.hasOwnProperty.call(message, "welcome"))
                $root.ringcast.Welcome.encode(message.welcome, writer.uint32(/* id 2, wireType 2 =*/18).fork(), _depth + 1).ldelim();
            if (message.refuse != null && $Object.hasOwnProperty.call(message, "refuse"))
                $root.ringcast.Refuse.encode(message.refuse, writer.uint32(/* id 3, wireType 2 =*/26).fork(), _depth + 1).ldelim();
            if (message.plan != null && $Object.hasOwnProperty.call(message, "plan"))
                $root.ringcast.Plan.encode(message.plan, writer.uint32(/* id 4, wireType 2 =*/34).fork(), _depth + 1).ldelim();
            if (message.progress != null && $Object.hasOwnProperty.call(message, "progress"))
                $root.ringcast.Progress.encode(message.progress, writer.uint32(/* id 5, wireType 2 =*/42).fork(), _depth + 1).ldelim();
            if (message.done != null && $Object.hasOwnProperty.call(message, "done"))
                $root.ringcast.Done.encode(message.done, writer.uint32(/* id 6, wireType 2 =*/50).fork(), _depth + 1).ldelim();
            if (message.failed != null && $Object.hasOwnProperty.call(message, "failed"))
                $root.ringcast.Failed.encode(message.failed, writer.uint32(/* id 7, wireType 2 =*/58).fork(), _depth + 1).ldelim();
            if (message.verdict != null && $Object.hasOwnProperty.call(message, "verdict"))
                $root.ringcast.Verdict.encode(message.verdict, writer.uint32(/* id 8, wireType 2 =*/66).fork(), _depth + 1).ldelim();
            if (message.challenge != null && $Object.hasOwnProperty.call(message, "challenge"))
                $root.ringcast.Challenge.encode(message.challenge, writer.uint32(/* id 9, wireType 2 =*/74).fork(), _depth + 1).ldelim();
            if (message.proof != null && $Object.hasOwnProperty.call(message, "proof"))
                $root.ringcast.Proof.encode(message.proof, writer.uint32(/* id 10, wireType 2 =*/82).fork(), _depth + 1).ldelim();
            if (message.identityDone != null && $Object.hasOwnProperty.call(message, "identityDone"))
                $root.ringcast.IdentityDone.encode(message.identityDone, writer.uint32(/* id 11, wireType 2 =*/90).fork(), _depth + 1).ldelim();
            if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                for (let i = 0; i < message.$unknowns.length; ++i)
                    writer.raw(message.$unknowns[i]);
            return writer;
        };

        /**
         * Decodes a ControlMessage message from the specified reader or buffer.
         * @function decode
         * @memberof ringcast.ControlMessage
         * @static
         * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
         * @param {number} [length] Message length if known beforehand
         * @returns {ringcast.ControlMessage & ringcast.ControlMessage.$Shape} ControlMessage
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        ControlMessage.decode = function (reader, length, _end, _depth, _target) {
            if (!(reader instanceof $Reader))
                reader = $Reader.create(reader);
            if (_depth === $undefined)
                _depth = 0;
            if (_depth > $Reader.recursionLimit)
                throw $Error("max depth exceeded");
            let end, message;
            if (length === $undefined)
                end = reader.len;
            else {
                end = reader.pos + length;
                if (end > reader.len)
                    throw $RangeError("index out of range");
                length = reader.len;
                reader.len = end;
            }
            message = _target || new $root.ringcast.ControlMessage();
            while (reader.pos < end) {
                let start = reader.pos;
                let tag = reader.tag();
                if (tag === _end) {
                    _end = $undefined;
                    break;
                }
                let wireType = tag & 7;
                switch (tag >>>= 3) {
                case 1: {
                        if (wireType !== 2)
                            break;
                        message.join = $root.ringcast.Join.decode(reader, reader.size(), $undefined, _depth + 1, message.join);
                        message.body = "join";
                        continue;
                    }
                case 2: {
                        if (wireType !== 2)
                            break;
                        message.welcome = $root.ringcast.Welcome.decode(reader, reader.size(), $undefined, _depth + 1, message.welcome);
                        message.body = "welcome";
                        continue;
                    }
                case 3: {
                        if (wireType !== 2)
                            break;
                        message.refuse = $root.ringcast.Refuse.decode(reader, reader.size(), $undefined, _depth + 1, message.refuse);
                        message.body = "refuse";
                        continue;
                    }
                case 4: {
                        if (wireType !== 2)
                            break;
                        message.plan = $root.ringcast.Plan.decode(reader, reader.size(), $undefined, _depth + 1, message.plan);
                        message.body = "plan";
                        continue;
                    }
                case 5: {
                        if (wireType !== 2)
                            break;
                        message.progress = $root.ringcast.Progress.decode(reader, reader.size(), $undefined, _depth + 1, message.progress);
                        message.body = "progress";
                        continue;
                    }
                case 6: {
                        if (wireType !== 2)
                            break;
                        message.done = $root.ringcast.Done.decode(reader, reader.size(), $undefined, _depth + 1, message.done);
                        message.body = "done";
                        continue;
                    }
                case 7: {
                        if (wireType !== 2)
                            break;
                        message.failed = $root.ringcast.Failed.decode(reader, reader.size(), $undefined, _depth + 1, message.failed);
                        message.body = "failed";
                        continue;
                    }
                case 8: {
                        if (wireType !== 2)
                            break;
                        message.verdict = $root.ringcast.Verdict.decode(reader, reader.size(), $undefined, _depth + 1, message.verdict);
                        message.body = "verdict";
                        continue;
                    }
                case 9: {
                        if (wireType !== 2)
                            break;
                        message.challenge = $root.ringcast.Challenge.decode(reader, reader.size(), $undefined, _depth + 1, message.challenge);
                        message.body = "challenge";
                        continue;
                    }
                case 10: {
                        if (wireType !== 2)
                            break;
                        message.proof = $root.ringcast.Proof.decode(reader, reader.size(), $undefined, _depth + 1, message.proof);
                        message.body = "proof";
                        continue;
                    }
                case 11: {
                        if (wireType !== 2)
                            break;
                        message.identityDone = $root.ringcast.IdentityDone.decode(reader, reader.size(), $undefined, _depth + 1, message.identityDone);
                        message.body = "identityDone";
                        continue;
                    }
                }
                reader.skipType(wireType, _depth, tag);
                if (!reader.discardUnknown) {
                    $util.makeProp(message, "$unknowns", false);
                    (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                }
            }
            if (length !== $undefined) {
                if (reader.pos !== end)
                    throw $RangeError("index out of range");
                reader.len = length;
            }
            if (_end !== $undefined)
                throw $Error("missing end group");
            return message;
        };

        /**
         * Gets the type url for ControlMessage
         * @function getTypeUrl
         * @memberof ringcast.ControlMessage
         * @static
         * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
         * @returns {string} The type url
         */
        ControlMessage.getTypeUrl = function(prefix) {
            if (prefix === $undefined)
                prefix = "type.googleapis.com";
            return prefix + "/ringcast.ControlMessage";
        };

        return ControlMessage;
    })();

    ringcast.BlockFrame = (function() {

        /**
         * Properties of a BlockFrame.
         * @typedef {Object} ringcast.BlockFrame.$Properties
         * @property {ringcast.BlockFrame.Kind|null} [kind] BlockFrame kind
         * @property {Uint8Array|null} [sessionId] BlockFrame sessionId
         * @property {number|null} [offset] BlockFrame offset
         * @property {number|null} [length] BlockFrame length
         * @property {Uint8Array|null} [hash] BlockFrame hash
         * @property {number|null} [firstBlock] BlockFrame firstBlock
         * @property {Uint8Array|null} [hashes] BlockFrame hashes
         * @property {Uint8Array|null} [signature] BlockFrame signature
         * @property {Uint8Array|null} [contents] BlockFrame contents
         * @property {number|null} [digest] BlockFrame digest
         * @property {number|null} [compressedLength] BlockFrame compressedLength
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */

        /**
         * Properties of a BlockFrame.
         * @memberof ringcast
         * @interface IBlockFrame
         * @augments ringcast.BlockFrame.$Properties
         * @deprecated Use ringcast.BlockFrame.$Properties instead.
         */

        /**
         * Shape of a BlockFrame.
         * @typedef {ringcast.BlockFrame.$Properties} ringcast.BlockFrame.$Shape
         */

        /**
         * Constructs a new BlockFrame.
         * @memberof ringcast
         * @classdesc Represents a BlockFrame.
         * @constructor
         * @param {ringcast.BlockFrame.$Properties=} [properties] Properties to set
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */
        const BlockFrame = function (properties) {
            if (properties)
                for (let keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        };

        /**
         * BlockFrame kind.
         * @member {ringcast.BlockFrame.Kind} kind
         * @memberof ringcast.BlockFrame
         * @instance
         */
        BlockFrame.prototype.kind = 0;

        /**
         * BlockFrame sessionId.
         * @member {Uint8Array} sessionId
         * @memberof ringcast.BlockFrame
         * @instance
         */
        BlockFrame.prototype.sessionId = $util.newBuffer([]);

        /**
         * BlockFrame offset.
         * @member {number} offset
         * @memberof ringcast.BlockFrame
         * @instance
         */
        BlockFrame.prototype.offset = $util.Long ? $util.Long.fromBits(0,0,true) : 0;

        /**
         * BlockFrame length.
         * @member {number} length
         * @memberof ringcast.BlockFrame
         * @instance
         */
        BlockFrame.prototype.length = 0;

        /**
         * BlockFrame hash.
         * @member {Uint8Array} hash
         * @memberof ringcast.BlockFrame
         * @instance
         */
        BlockFrame.prototype.hash = $util.newBuffer([]);

        /**
         * BlockFrame firstBlock.
         * @member {number} firstBlock
         * @memberof ringcast.BlockFrame
         * @instance
         */
        BlockFrame.prototype.firstBlock = $util.Long ? $util.Long.fromBits(0,0,true) : 0;

        /**
         * BlockFrame hashes.
         * @member {Uint8Array} hashes
         * @memberof ringcast.BlockFrame
         * @instance
         */
        BlockFrame.prototype.hashes = $util.newBuffer([]);

        /**
         * BlockFrame signature.
         * @member {Uint8Array} signature
         * @memberof ringcast.BlockFrame
         * @instance
         */
        BlockFrame.prototype.signature = $util.newBuffer([]);

        /**
         * BlockFrame contents.
         * @member {Uint8Array} contents
         * @memberof ringcast.BlockFrame
         * @instance
         */
        BlockFrame.prototype.contents = $util.newBuffer([]);

        /**
         * BlockFrame digest.
         * @member {number} digest
         * @memberof ringcast.BlockFrame
         * @instance
         */
        BlockFrame.prototype.digest = 0;

        /**
         * BlockFrame compressedLength.
         * @member {number} compressedLength
         * @memberof ringcast.BlockFrame
         * @instance
         */
        BlockFrame.prototype.compressedLength = 0;

        /**
         * Creates a new BlockFrame instance using the specified properties.
         * @function create
         * @memberof ringcast.BlockFrame
         * @static
         * @param {ringcast.BlockFrame.$Properties=} [properties] Properties to set
         * @returns {ringcast.BlockFrame} BlockFrame instance
         * @type {{
         *   (properties: ringcast.BlockFrame.$Shape): ringcast.BlockFrame & ringcast.BlockFrame.$Shape;
         *   (properties?: ringcast.BlockFrame.$Properties): ringcast.BlockFrame;
         * }}
         */
        BlockFrame.create = function(properties) {
            return new BlockFrame(properties);
        };

        /**
         * Encodes the specified BlockFrame message. Does not implicitly {@link ringcast.BlockFrame.verify|verify} messages.
         * @function encode
         * @memberof ringcast.BlockFrame
         * @static
         * @param {ringcast.BlockFrame.$Properties} message BlockFrame message or plain object to encode
         * @param {$protobuf.Writer} [writer] Writer to encode to
         * @returns {$protobuf.Writer} Writer
         */
        BlockFrame.encode = function (message, writer, _depth) {
            if (!writer)
                writer = $Writer.create();
            if (_depth === $undefined)
                _depth = 0;
            if (_depth > $util.recursionLimit)
                throw $Error("max depth exceeded");
            if (message.kind != null && $Object.hasOwnProperty.call(message, "kind") && message.kind !== 0)
                writer.uint32(/* id 1, wireType 0 =*/8).int32(message.kind);
            if (message.sessionId != null && $Object.hasOwnProperty.call(message, "sessionId") && message.sessionId.length)
                writer.uint32(/* id 2, wireType 2 =*/18).bytes(message.sessionId);
            if (message.offset != null && $Object.hasOwnProperty.call(message, "offset") && (typeof message.offset === "object" ? message.offset.low || message.offset.high : message.offset !== 0))
                writer.uint32(/* id 3, wireType 0 =*/24).uint64(message.offset);
            if (message.length != null && $Object.hasOwnProperty.call(message, "length") && message.length !== 0)
                writer.uint32(/* id 4, wireType 0 =*/32).uint32(message.length);
            if (message.hash != null && $Object.hasOwnProperty.call(message, "hash") && message.hash.length)
                writer.uint32(/* id 5, wireType 2 =*/42).bytes(message.hash);
            if (message.firstBlock != null && $Object.hasOwnProperty.call(message, "firstBlock") && (typeof message.firstBlock === "object" ? message.firstBlock.low || message.firstBlock.high : message.firstBlock !== 0))
                writer.uint32(/* id 6, wireType 0 =*/48).uint64(message.firstBlock);
            if (message.hashes != null && $Object.hasOwnProperty.call(message, "hashes") && message.hashes.length)
                writer.uint32(/* id 7, wireType 2 =*/58).bytes(message.hashes);
            if (message.signature != null && $Object.hasOwnProperty.call(message, "signature") && message.signature.length)
                writer.uint32(/* id 8, wireType 2 =*/66).bytes(message.signature);
            if (message.contents != null && $Object.hasOwnProperty.call(message, "contents") && message.contents.length)
                writer.uint32(/* id 9, wireType 2 =*/74).bytes(message.contents);
            if (message.digest != null && $Object.hasOwnProperty.call(message, "digest") && message.digest !== 0)
                writer.uint32(/* id 10, wireType 0 =*/80).uint32(message.digest);
            if (message.compressedLength != null && $Object.hasOwnProperty.call(message, "compressedLength") && message.compressedLength !== 0)
                writer.uint32(/* id 11, wireType 0 =*/88).uint32(message.compressedLength);
            if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                for (let i = 0; i < message.$unknowns.length; ++i)
                    writer.raw(message.$unknowns[i]);
            return writer;
        };

        /**
         * Decodes a BlockFrame message from the specified reader or buffer.
         * @function decode
         * @memberof ringcast.BlockFrame
         * @static
         * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
         * @param {number} [length] Message length if known beforehand
         * @returns {ringcast.BlockFrame & ringcast.BlockFrame.$Shape} BlockFrame
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        BlockFrame.decode = function (reader, length, _end, _depth, _target) {
            if (!(reader instanceof $Reader))
                reader = $Reader.create(reader);
            if (_depth === $undefined)
                _depth = 0;
            if (_depth > $Reader.recursionLimit)
                throw $Error("max depth exceeded");
            let end, message, value;
            if (length === $undefined)
                end = reader.len;
            else {
                end = reader.pos + length;
                if (end > reader.len)
                    throw $RangeError("index out of range");
                length = reader.len;
                reader.len = end;
            }
            message = _target || new $root.ringcast.BlockFrame();
            while (reader.pos < end) {
                let start = reader.pos;
                let tag = reader.tag();
                if (tag === _end) {
                    _end = $undefined;
                    break;
                }
                let wireType = tag & 7;
                switch (tag >>>= 3) {
                case 1: {
                        if (wireType !== 0)
                            break;
                        if (value = reader.int32())
                            message.kind = value;
                        else
                            delete message.kind;
                        continue;
                    }
                case 2: {
                        if (wireType !== 2)
                            break;
                        if ((value = reader.bytes()).length)
                            message.sessionId = value;
                        else
                            delete message.sessionId;
                        continue;
                    }
                case 3: {
                        if (wireType !== 0)
                            break;
                        if (typeof (value = reader.uint64()) === "object" ? value.low || value.high : value !== 0)
                            message.offset = value;
                        else
                            delete message.offset;
                        continue;
                    }
                case 4: {
                        if (wireType !== 0)
                            break;
                        if (value = reader.uint32())
                            message.length = value;
                        else
                            delete message.length;
                        continue;
                    }
                case 5: {
                        if (wireType !== 2)
                            break;
                        if ((value = reader.bytes()).length)
                            message.hash = value;
                        else
                            delete message.hash;
                        continue;
                    }
                case 6: {
                        if (wireType !== 0)
                            break;
                        if (typeof (value = reader.uint64()) === "object" ? value.low || value.high : value !== 0)
                            message.firstBlock = value;
                        else
                            delete message.firstBlock;
                        continue;
                    }
                case 7: {
                        if (wireType !== 2)
                            break;
                        if ((value = reader.bytes()).length)
                            message.hashes = value;
                        else
                            delete message.hashes;
                        continue;
                    }
                case 8: {
                        if (wireType !== 2)
                            break;
                        if ((value = reader.bytes()).length)
                            message.signature = value;
                        else
                            delete message.signature;
                        continue;
                    }
                case 9: {
                        if (wireType !== 2)
                            break;
                        if ((value = reader.bytes()).length)
                            message.contents = value;
                        else
                            delete message.contents;
                        continue;
                    }
                case 10: {
                        if (wireType !== 0)
                            break;
                        if (value = reader.uint32())
                            message.digest = value;
                        else
                            delete message.digest;
                        continue;
                    }
                case 11: {
                        if (wireType !== 0)
                            break;
                        if (value = reader.uint32())
                            message.compressedLength = value;
                        else
                            delete message.compressedLength;
                        continue;
                    }
                }
                reader.skipType(wireType, _depth, tag);
                if (!reader.discardUnknown) {
                    $util.makeProp(message, "$unknowns", false);
                    (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                }
            }
            if (length !== $undefined) {
                if (reader.pos !== end)
                    throw $RangeError("index out of range");
                reader.len = length;
            }
            if (_end !== $undefined)
                throw $Error("missing end group");
            return message;
        };

        /**
         * Gets the type url for BlockFrame
         * @function getTypeUrl
         * @memberof ringcast.BlockFrame
         * @static
         * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
         * @returns {string} The type url
         */
        BlockFrame.getTypeUrl = function(prefix) {
            if (prefix === $undefined)
                prefix = "type.googleapis.com";
            return prefix + "/ringcast.BlockFrame";
        };

        /**
         * Kind enum.
         * @name ringcast.BlockFrame.Kind
         * @enum {number}
         * @property {number} KIND_UNSPECIFIED=0 KIND_UNSPECIFIED value
         * @property {number} HELLO=1 HELLO value
         * @property {number} BLOCK=2 BLOCK value
         * @property {number} END=3 END value
         * @property {number} HASHES=4 HASHES value
         * @property {number} SKIP=5 SKIP value
         */
        BlockFrame.Kind = (function() {
            const valuesById = $Object.create(null), values = $Object.create(valuesById);
            values[valuesById[0] = "KIND_UNSPECIFIED"] = 0;
            values[valuesById[1] = "HELLO"] = 1;
            values[valuesById[2] = "BLOCK"] = 2;
            values[valuesById[3] = "END"] = 3;
            values[valuesById[4] = "HASHES"] = 4;
            values[valuesById[5] = "SKIP"] = 5;
            return values;
        })();

        return BlockFrame;
    })();

    ringcast.Ack = (function() {

        /**
         * Properties of an Ack.
         * @typedef {Object} ringcast.Ack.$Properties
         * @property {number|null} [writtenThrough] Ack writtenThrough
         * @property {number|null} [hashesFrom] Ack hashesFrom
         * @property {string|null} [error] Ack error
         * @property {ringcast.ErrorCode|null} [code] Ack code
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */

        /**
         * Properties of an Ack.
         * @memberof ringcast
         * @interface IAck
         * @augments ringcast.Ack.$Properties
         * @deprecated Use ringcast.Ack.$Properties instead.
         */

        /**
         * Shape of an Ack.
         * @typedef {ringcast.Ack.$Properties} ringcast.Ack.$Shape
         */

        /**
         * Constructs a new Ack.
         * @memberof ringcast
         * @classdesc Represents an Ack.
         * @constructor
         * @param {ringcast.Ack.$Properties=} [properties] Properties to set
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */
        const Ack = function (properties) {
            if (properties)
                for (let keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        };

        /**
         * Ack writtenThrough.
         * @member {number} writtenThrough
         * @memberof ringcast.Ack
         * @instance
         */
        Ack.prototype.writtenThrough = $util.Long ? $util.Long.fromBits(0,0,true) : 0;

        /**
         * Ack hashesFrom.
         * @member {number} hashesFrom
         * @memberof ringcast.Ack
         * @instance
         */
        Ack.prototype.hashesFrom = $util.Long ? $util.Long.fromBits(0,0,true) : 0;

        /**
         * Ack error.
         * @member {string} error
         * @memberof ringcast.Ack
         * @instance
         */
        Ack.prototype.error = "";

        /**
         * Ack code.
         * @member {ringcast.ErrorCode} code
         * @memberof ringcast.Ack
         * @instance
         */
        Ack.prototype.code = 0;

        /**
         * Creates a new Ack instance using the specified properties.
         * @function create
         * @memberof ringcast.Ack
         * @static
         * @param {ringcast.Ack.$Properties=} [properties] Properties to set
         * @returns {ringcast.Ack} Ack instance
         * @type {{
         *   (properties: ringcast.Ack.$Shape): ringcast.Ack & ringcast.Ack.$Shape;
         *   (properties?: ringcast.Ack.$Properties): ringcast.Ack;
         * }}
         */
        Ack.create = function(properties) {
            return new Ack(properties);
        };

        /**
         * Encodes the specified Ack message. Does not implicitly {@link ringcast.Ack.verify|verify} messages.
         * @function encode
         * @memberof ringcast.Ack
         * @static
         * @param {ringcast.Ack.$Properties} message Ack message or plain object to encode
         * @param {$protobuf.Writer} [writer] Writer to encode to
         * @returns {$protobuf.Writer} Writer
         */
        Ack.encode = function (message, writer, _depth) {
            if (!writer)
                writer = $Writer.create();
            if (_depth === $undefined)
                _depth = 0;
            if (_depth > $util.recursionLimit)
                throw $Error("max depth exceeded");
            if (message.writtenThrough != null && $Object.hasOwnProperty.call(message, "writtenThrough") && (typeof message.writtenThrough === "object" ? message.writtenThrough.low || message.writtenThrough.high : message.writtenThrough !== 0))
                writer.uint32(/* id 1, wireType 0 =*/8).uint64(message.writtenThrough);
            if (message.error != null && $Object.hasOwnProperty.call(message, "error") && message.error !== "")
                writer.uint32(/* id 2, wireType 2 =*/18).string(message.error);
            if (message.code != null && $Object.hasOwnProperty.call(message, "code") && message.code !== 0)
                writer.uint32(/* id 3, wireType 0 =*/24).int32(message.code);
            if (message.hashesFrom != null && $Object.hasOwnProperty.call(message, "hashesFrom") && (typeof message.hashesFrom === "object" ? message.hashesFrom.low || message.hashesFrom.high : message.hashesFrom !== 0))
                writer.uint32(/* id 4, wireType 0 =*/32).uint64(message.hashesFrom);
            if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                for (let i = 0; i < message.$unknowns.length; ++i)
                    writer.raw(message.$unknowns[i]);
            return writer;
        };

        /**
         * Decodes an Ack message from the specified reader or buffer.
         * @function decode
         * @memberof ringcast.Ack
         * @static
         * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
         * @param {number} [length] Message length if known beforehand
         * @returns {ringcast.Ack & ringcast.Ack.$Shape} Ack
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        Ack.decode = function (reader, length, _end, _depth, _target) {
            if (!(reader instanceof $Reader))
                reader = $Reader.create(reader);
            if (_depth === $undefined)
                _depth = 0;
            if (_depth > $Reader.recursionLimit)
                throw $Error("max depth exceeded");
            let end, message, value;
            if (length === $undefined)
                end = reader.len;
            else {
                end = reader.pos + length;
                if (end > reader.len)
                    throw $RangeError("index out of range");
                length = reader.len;
                reader.len = end;
            }
            message = _target || new $root.ringcast.Ack();
            while (reader.pos < end) {
                let start = reader.pos;
                let tag = reader.tag();
                if (tag === _end) {
                    _end = $undefined;
                    break;
                }
                let wireType = tag & 7;
                switch (tag >>>= 3) {
                case 1: {
                        if (wireType !== 0)
                            break;
                        if (typeof (value = reader.uint64()) === "object" ? value.low || value.high : value !== 0)
                            message.writtenThrough = value;
                        else
                            delete message.writtenThrough;
                        continue;
                    }
                case 4: {
                        if (wireType !== 0)
                            break;
                        if (typeof (value = reader.uint64()) === "object" ? value.low || value.high : value !== 0)
                            message.hashesFrom = value;
                        else
                            delete message.hashesFrom;
                        continue;
                    }
                case 2: {
                        if (wireType !== 2)
                            break;
                        if ((value = reader.stringVerify()).length)
                            message.error = value;
                        else
                            delete message.error;
                        continue;
                    }
                case 3: {
                        if (wireType !== 0)
                            break;
                        if (value = reader.int32())
                            message.code = value;
                        else
                            delete message.code;
                        continue;
                    }
                }
                reader.skipType(wireType, _depth, tag);
                if (!reader.discardUnknown) {
                    $util.makeProp(message, "$unknowns", false);
                    (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                }
            }
            if (length !== $undefined) {
                if (reader.pos !== end)
                    throw $RangeError("index out of range");
                reader.len = length;
            }
            if (_end !== $undefined)
                throw $Error("missing end group");
            return message;
        };

        /**
         * Gets the type url for Ack
         * @function getTypeUrl
         * @memberof ringcast.Ack
         * @static
         * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
         * @returns {string} The type url
         */
        Ack.getTypeUrl = function(prefix) {
            if (prefix === $undefined)
                prefix = "type.googleapis.com";
            return prefix + "/ringcast.Ack";
        };

        return Ack;
    })();

    return ringcast;
})();

export {
  $root as default
};
