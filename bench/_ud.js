const {generateTopologyObjects}=require('./generate'); const {resolveTopology}=require('../dist/topology/resolve.js');
const ci=require('../dist/bootstrap/cloud-init.js'); const {renderFirewall}=require('../dist/bootstrap/nftables.js'); const {renderNodeEnv}=require('../dist/bootstrap/node-env.js');
const ts=generateTopologyObjects(100,7).map(o=>resolveTopology(o)); const pairs=ts.flatMap(t=>t.nodes.map(n=>[t,n]));
function t(name, fn){ for(let w=0;w<3;w++) fn(); const s=process.hrtime.bigint(); for(let r=0;r<5;r++) fn(); const ms=Number(process.hrtime.bigint()-s)/1e6/5; console.log(name.padEnd(30), ms.toFixed(1),'ms per', pairs.length,'VMs'); }
t('renderUserData', ()=>{for(const [a,b] of pairs) ci.renderUserData(a,b)});
t('renderFirewall', ()=>{for(const [a,b] of pairs) renderFirewall(a,b)});
t('renderNodeEnv', ()=>{for(const [a,b] of pairs) renderNodeEnv(a,b)});
const uds=pairs.map(([a,b])=>ci.renderUserData(a,b));
console.log('avg userdata chars', uds.reduce((a,b)=>a+b.length,0)/uds.length);
t('encode gzip', ()=>{for(const u of uds) ci.encodeGuestinfo('k',u,{gzip:true})});
t('renderMetadata', ()=>{for(const [a,b] of pairs) ci.renderMetadata(a,b)});
