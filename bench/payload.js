'use strict';
/**
 * The baselines' stand-in for ums-ha's encoded user data: a base64 payload as long as it and, like
 * it, random-looking (gzip output; cdktf scans every string for token markers, and the cost depends
 * on the characters). Built once from a xorshift sequence, then made distinct per VM by a short
 * prefix, so making it costs a baseline next to nothing.
 */
function payloadOf(chars) {
  let state = 0x9e3779b9;
  const nextByte = () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return state & 255;
  };
  const base = Buffer.from(Array.from({ length: Math.ceil((Number(chars) * 3) / 4) }, nextByte)).toString('base64');
  return (seed) => `${seed.toString(36).padStart(8, 'A')}${base.slice(8)}`;
}

module.exports = { payloadOf };
