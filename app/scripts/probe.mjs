import { readFileSync } from 'node:fs';
import { rootNodeFromAnchor } from '@codama/nodes-from-anchor';
const idl = JSON.parse(readFileSync('../idl/liquid_staking.json','utf8'));
const root = rootNodeFromAnchor(idl);
function walk(n, path){ if(Array.isArray(n)) return n.forEach((x,i)=>walk(x,path+'['+i+']'));
 if(n && typeof n==='object'){ if(n.kind==='structTypeNode' && !n.fields) console.log('BAD', path, JSON.stringify(n).slice(0,200)); for(const k in n) walk(n[k], path+'.'+(n.name?n.name+':':'')+k);} }
walk(root,'root');
console.log(JSON.stringify(root.program.definedTypes.map(t=>t.name)));
