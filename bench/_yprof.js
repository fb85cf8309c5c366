const yaml = require('yaml');
const { generateTopologies } = require('/work/main/bench/generate');
const texts = generateTopologies(1000);
function t(name, fn){ for(let w=0;w<3;w++) fn(); const s=process.hrtime.bigint(); for(let r=0;r<5;r++) fn(); const ms=Number(process.hrtime.bigint()-s)/1e6/5; console.log(name.padEnd(30), ms.toFixed(1),'ms/1000', (1000/ms*1000).toFixed(0),'files/s'); }
t('lexer', ()=>{ for(const x of texts){ for (const tok of new yaml.Lexer().lex(x)); }});
t('parser(cst)', ()=>{ for(const x of texts){ for (const tok of new yaml.Parser().parse(x)); }});
t('parseAllDocuments+lc', ()=>{ for(const x of texts) yaml.parseAllDocuments(x,{lineCounter:new yaml.LineCounter()}); });
t('parseDocument', ()=>{ for(const x of texts) yaml.parseDocument(x); });
t('parseDocument+toJS', ()=>{ for(const x of texts) yaml.parseDocument(x).toJS(); });
t('parse()', ()=>{ for(const x of texts) yaml.parse(x); });
t('JSON.parse of same', ()=>{ for(const x of texts) JSON.parse(JSON.stringify(yaml.parse(x))); });
