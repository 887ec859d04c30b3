/* The citizens' form: division pickers and "add a row" (progressive: the form works without it). */
(function(){
var D=JSON.parse(document.getElementById("dv").textContent);
function q(e,s){return Array.prototype.slice.call(e.querySelectorAll(s));}
function sig(c){return c.replace(/(00)+$/,"");}
function load(code,cb){if(code==="")return cb(D.p);
fetch("/api/v1/divisions/"+code+"/children").then(function(r){return r.json();}).then(function(l){cb(l.map(function(d){return[d.code,d.name];}));},function(){cb([]);});}
// A new row is a copy of the last with its index changed in the attributes that carry it
// (attributes rather than markup: nothing the citizen typed is parsed as HTML again).
var IX=["name","id","for","aria-describedby"];
function renumber(r,k,n){var re=new RegExp("([.-])"+k+"([.-])","g");
[r].concat(q(r,"*")).forEach(function(e){IX.forEach(function(a){var v=e.getAttribute(a);if(v!==null)e.setAttribute(a,v.replace(re,"$1"+n+"$2"));});});}
function picker(inp){
var w=document.createElement("div"),s=[];w.className="dv";
for(var i=0;i<3;i++){var e=document.createElement("select");e.add(new Option(D.l[i],""));e.hidden=i>0;e.setAttribute("aria-label",D.l[i]);w.appendChild(e);s.push(e);}
function fill(i,parent,target){load(parent,function(l){var e=s[i],best="";e.length=1;
l.forEach(function(d){e.add(new Option(d[1],d[0]));if(target&&target.indexOf(sig(d[0]))===0&&d[0].length>best.length)best=d[0];});
e.hidden=!l.length;if(best){e.value=best;if(best!==target&&i<2)fill(i+1,best,target);}});}
s.forEach(function(e,i){e.addEventListener("change",function(){inp.value=e.value||(i?s[i-1].value:"");
for(var j=i+1;j<3;j++){s[j].length=1;s[j].hidden=true;}if(e.value&&i<2)fill(i+1,e.value,"");});});
inp.hidden=true;var h=inp.parentNode.querySelector(".hint");if(h&&!inp.value)h.hidden=true;
inp.parentNode.insertBefore(w,inp.nextSibling);fill(0,"",inp.value);}
q(document,"[data-rows]").forEach(function(box){
var rows=q(box,".row"),last=rows[rows.length-1],k=rows.length-1,tpl=last.cloneNode(true),cnt=box.querySelector("input"),add=box.querySelector(".add");
add.addEventListener("click",function(ev){ev.preventDefault();var n=+cnt.value,r=tpl.cloneNode(true);
renumber(r,k,n);
q(r,"input").forEach(function(i){i.removeAttribute("value");i.value="";i.removeAttribute("aria-invalid");});
q(r,"select").forEach(function(e){e.selectedIndex=0;});q(r,".err").forEach(function(e){e.remove();});
q(r,".e").forEach(function(e){e.className="f";});var rl=r.querySelector(".rl");rl.textContent=rl.textContent.replace(/\d+$/,n+1);
box.insertBefore(r,add);cnt.value=n+1;q(r,"[data-dv]").forEach(picker);r.querySelector("input").focus();});});
q(document,"[data-dv]").forEach(picker);
})();
