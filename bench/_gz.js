const zlib=require('zlib');
const {generateTopologyObjects}=require('./generate'); const {resolveTopology}=require('../dist/topology/resolve.js'); const ci=require('../dist/bootstrap/cloud-init.js');
const ts=generateTopologyObjects(100,7).map(o=>resolveTopology(o)); const uds=ts.flatMap(t=>t.nodes.map(n=>ci.renderUserData(t,n)));
const idx=uds[0].indexOf('  - path: /usr/local/sbin/ums-ha-install'); const tailText=uds[0].slice(idx); console.log('tail chars', tailText.length, 'of', uds[0].length, uds.every(u=>u.endsWith(tailText)));
const tailBytes=Buffer.from(tailText); const tailDef=zlib.deflateRawSync(tailBytes,{level:1}); const tailCrc=null;
function stitched(text){ const head=Buffer.from(text.slice(0,text.length-tailText.length)); const hd=zlib.deflateRawSync(head,{level:1, finishFlush: zlib.constants.Z_SYNC_FLUSH});
 const crc=zlib.crc32(tailBytes, zlib.crc32(head)); const tr=Buffer.alloc(8); tr.writeUInt32LE(crc>>>0,0); tr.writeUInt32LE((head.length+tailBytes.length)>>>0,4);
 return Buffer.concat([Buffer.from([0x1f,0x8b,8,0,0,0,0,0,4,3]),hd,tailDef,tr]); }
function t(name, fn){ for(let w=0;w<3;w++) fn(); const s=process.hrtime.bigint(); for(let r=0;r<5;r++) fn(); const ms=Number(process.hrtime.bigint()-s)/1e6/5; console.log(name.padEnd(30), ms.toFixed(1),'ms'); }
t('gzipSync', ()=>{for(const u of uds) zlib.gzipSync(Buffer.from(u),{level:1}).toString('base64')});
t('stitched', ()=>{for(const u of uds) stitched(u).toString('base64')});
const g=stitched(uds[5]); console.log(zlib.gunzipSync(g).toString()===uds[5], g.length, zlib.gzipSync(Buffer.from(uds[5]),{level:1}).length);
require('fs').writeFileSync('/tmp/sb/st.gz', g);
