const {generateTopologyObjects}=require('./generate'); const {resolveTopology}=require('../dist/topology/resolve.js');
const {renderFirewall}=require('../dist/bootstrap/nftables.js'); const {renderNodeEnv}=require('../dist/bootstrap/node-env.js');
const Y=require('yaml'); const J=require('js-yaml');
const ts=generateTopologyObjects(100,7).map(o=>resolveTopology(o)); const pairs=ts.flatMap(t=>t.nodes.map(n=>[t,n]));
const cfgs=pairs.map(([t,node])=>({hostname: node.vmName, preserve_hostname:false, ntp:{enabled:true,servers:[...t.network.ntpServers]}, packages:['chrony','nftables','expect','curl','socat','open-vm-tools'], mounts: [['LABEL=ums-data', '/opt/IGEL', 'ext4', 'defaults,nofail', '0', '2']], write_files:[{path:'/etc/x',owner:'root:root',permissions:'0600',content:renderNodeEnv(t,node)},{path:'/etc/y',owner:'root:root',permissions:'0600',content:renderFirewall(t,node)}]}));
function t(name, fn){ for(let w=0;w<3;w++) fn(); const s=process.hrtime.bigint(); for(let r=0;r<5;r++) fn(); const ms=Number(process.hrtime.bigint()-s)/1e6/5; console.log(name.padEnd(30), ms.toFixed(1),'ms'); }
const O={ version: '1.1', lineWidth: 0, aliasDuplicateObjects: false };
t('yaml stringify 1.1', ()=>{for(const c of cfgs) Y.stringify(c,O)});
t('js-yaml dump', ()=>{for(const c of cfgs) J.dump(c,{schema:J.DUMP_SCHEMA, lineWidth:-1, noRefs:true})});
console.log(J.dump(cfgs[0],{schema:J.DUMP_SCHEMA, lineWidth:-1, noRefs:true}).slice(0,600));
