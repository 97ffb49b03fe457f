//! `report.html`: one self-contained page (inline CSS, SVG and a small inline script; no font,
//! library or network access), printable on A4.
//!
//! **Interactive maps.** [`SCRIPT`] (plain JavaScript, ~100 lines, no library) makes every map
//! figure pannable (drag), zoomable (wheel, the + / − buttons, double-click to reset) and
//! clickable: a click on a school, proposal, gap area or township shows its figures — the lines
//! of the element's SVG `<title>` — in a panel over the map. While zooming, markers and labels
//! keep their screen size. Opened with `#selftest` in the address, the page exercises the script
//! itself (a click on the first school, a zoom, a pan) and writes what happened as JSON into
//! `<pre id="selftest">`; the Chromium test reads it with `--dump-dom`. Without a script the page
//! still reads and prints (the maps are static SVG, tooltips come from `<title>`).

use super::document::{Block, CellKind};
use super::text::xml_escape as esc;
use crate::config::Language;

const CSS: &str = r#"
:root{--ink:#1d2327;--muted:#5f6b73;--line:#d8dde1;--bg:#ffffff;--accent:#1f5f99;--fail:#b3261e;--pass:#1e7b34;--ne:#8a6d00}
*{box-sizing:border-box}
body{margin:0;background:#eef1f3;color:var(--ink);font:15px/1.5 system-ui,-apple-system,"Segoe UI","Noto Sans CJK SC","Noto Sans SC","PingFang SC","Microsoft YaHei",sans-serif}
main{max-width:1120px;margin:24px auto;background:var(--bg);padding:36px 44px;border-radius:6px;box-shadow:0 1px 4px rgba(0,0,0,.08)}
h1{font-size:26px;margin:0 0 6px;color:var(--accent)}
h2{font-size:20px;margin:34px 0 10px;padding-bottom:4px;border-bottom:2px solid var(--accent)}
h3{font-size:16px;margin:22px 0 8px}
.warning{border:2px solid var(--fail);background:#fdecea;color:var(--fail);font-weight:600;padding:12px 16px;border-radius:4px;margin:14px 0}
.figures{display:grid;grid-template-columns:repeat(auto-fill,minmax(200px,1fr));gap:12px;margin:10px 0}
.fig{border:1px solid var(--line);border-radius:4px;padding:10px 14px}
.fig .k{color:var(--muted);font-size:13px}.fig .v{font-size:24px;font-weight:600}.fig .n{color:var(--muted);font-size:12px}
table{border-collapse:collapse;width:100%;margin:8px 0 14px;font-size:13px}
th,td{border-bottom:1px solid var(--line);padding:5px 8px;text-align:left;vertical-align:top}
th{background:#f3f5f7;font-weight:600}
th.num{text-align:right}
td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
tbody tr:nth-child(even){background:#fafbfc}
.badge{display:inline-block;padding:1px 8px;border-radius:10px;font-size:12px;font-weight:600;color:#fff;white-space:nowrap}
.badge.fail{background:var(--fail)}.badge.pass{background:var(--pass)}.badge.not_evaluable{background:var(--ne)}
dl{display:grid;grid-template-columns:max-content 1fr;gap:4px 16px;margin:8px 0}
dt{color:var(--muted)}dd{margin:0}
figure{margin:12px 0 22px;break-inside:avoid}
figcaption{color:var(--muted);font-size:13px;margin-bottom:4px}
.mapbox{position:relative}
svg.map{width:100%;height:auto;max-height:860px;border:1px solid var(--line);border-radius:4px;background:#fff;touch-action:none}
svg.map text{font-family:system-ui,"Noto Sans CJK SC","Noto Sans SC",sans-serif}
svg.map .hit{cursor:pointer}svg.map .hit.sel>*,svg.map path.hit.sel{stroke:#ffb000;stroke-width:3px}
.ctl{position:absolute;top:8px;right:8px;display:flex;flex-direction:column;gap:4px}
.ctl button{width:30px;height:30px;font:18px/1 system-ui;border:1px solid var(--line);background:#fff;border-radius:4px;cursor:pointer}
.info{position:absolute;top:8px;left:8px;max-width:360px;background:rgba(255,255,255,.96);border:1px solid var(--line);border-radius:4px;padding:8px 10px;font-size:13px;box-shadow:0 1px 4px rgba(0,0,0,.15)}
.info table{margin:0;font-size:12px}.info td{padding:2px 6px;border:0}
details{border:1px solid var(--line);border-radius:4px;margin:8px 0;padding:4px 10px}
details>summary{cursor:pointer;font-weight:600;padding:4px 0}
ul.bullets{padding-left:20px}ul.bullets li{margin:4px 0}
@media print{body{background:#fff}main{box-shadow:none;margin:0;padding:0;max-width:none}h2{break-after:avoid}tr{break-inside:avoid}.ctl,.info{display:none}details{border:0}}
"#;

/// The inline script of the interactive maps (see the module docs).
pub const SCRIPT: &str = r#"
(function(){
"use strict";
function lines(el){var t=el.querySelector(':scope>title');return t?t.textContent.split('\n'):[];}
function show(fig,el){
  var info=fig.querySelector('.info');
  fig.querySelectorAll('.sel').forEach(function(x){x.classList.remove('sel');});
  el.classList.add('sel');
  var rows=lines(el).map(function(l){var i=l.indexOf(': ');var tr=document.createElement('tr');
    var a=document.createElement('td'),b=document.createElement('td');
    a.textContent=i<0?l:l.slice(0,i);b.textContent=i<0?'':l.slice(i+2);tr.appendChild(a);tr.appendChild(b);return tr;});
  var tb=document.createElement('table');rows.forEach(function(r){tb.appendChild(r);});
  info.textContent='';info.appendChild(tb);info.hidden=false;
}
function setup(fig){
  var svg=fig.querySelector('svg.map'),pz=svg&&svg.querySelector('svg.pz');if(!pz)return null;
  var b=pz.viewBox.baseVal,W=b.width,H=b.height,v={x:0,y:0,w:W,h:H},marks=pz.querySelectorAll('.mk');
  function apply(){
    b.x=v.x;b.y=v.y;b.width=v.w;b.height=v.h;var k=v.w/W;
    marks.forEach(function(m){m.setAttribute('transform','translate('+m.dataset.x+' '+m.dataset.y+') scale('+k+')');});
  }
  function zoom(f,cx,cy){
    var w=Math.min(W,Math.max(W/64,v.w*f)),h=w*H/W;
    v.x=cx-(cx-v.x)*w/v.w;v.y=cy-(cy-v.y)*h/v.h;v.w=w;v.h=h;apply();
  }
  function at(e){var r=pz.getBoundingClientRect();return{x:v.x+(e.clientX-r.left)/r.width*v.w,y:v.y+(e.clientY-r.top)/r.height*v.h};}
  svg.addEventListener('wheel',function(e){e.preventDefault();var p=at(e);zoom(e.deltaY<0?0.8:1.25,p.x,p.y);},{passive:false});
  var drag=null;
  svg.addEventListener('pointerdown',function(e){drag={x:e.clientX,y:e.clientY,vx:v.x,vy:v.y,moved:false};});
  svg.addEventListener('pointermove',function(e){if(!drag)return;var r=pz.getBoundingClientRect();
    var dx=e.clientX-drag.x,dy=e.clientY-drag.y;if(Math.abs(dx)+Math.abs(dy)>3)drag.moved=true;
    v.x=drag.vx-dx/r.width*v.w;v.y=drag.vy-dy/r.height*v.h;apply();});
  svg.addEventListener('pointerup',function(){setTimeout(function(){drag=null;},0);});
  svg.addEventListener('dblclick',function(){v={x:0,y:0,w:W,h:H};apply();});
  svg.addEventListener('click',function(e){if(drag&&drag.moved)return;var el=e.target.closest('.hit');if(el)show(fig,el);});
  fig.querySelectorAll('.ctl button').forEach(function(btn){btn.addEventListener('click',function(){
    var a=btn.dataset.act;if(a==='reset'){v={x:0,y:0,w:W,h:H};apply();}else zoom(a==='in'?0.5:2,v.x+v.w/2,v.y+v.h/2);});});
  return {view:function(){return[v.x,v.y,v.w,v.h].map(function(n){return Math.round(n*10)/10;});},zoom:zoom,pan:function(dx,dy){v.x+=dx;v.y+=dy;apply();}};
}
var maps=[];document.querySelectorAll('figure.mapfig').forEach(function(f){var m=setup(f);if(m)maps.push([f,m]);});
if(location.hash==='#selftest'){
  var r={maps:maps.length,errors:[]};
  try{
    var f=maps[0][0],m=maps[0][1],school=f.querySelector('.hit.school'),area=f.querySelector('.hit.area');
    r.view_before=m.view();m.zoom(0.5,500,300);r.view_zoomed=m.view();m.pan(50,20);r.view_panned=m.view();
    school.dispatchEvent(new MouseEvent('click',{bubbles:true}));r.school_panel=f.querySelector('.info').innerText;
    if(area){area.dispatchEvent(new MouseEvent('click',{bubbles:true}));r.area_panel=f.querySelector('.info').innerText;}
    r.marker_transform=f.querySelector('.mk').getAttribute('transform');
  }catch(e){r.errors.push(String(e));}
  var pre=document.createElement('pre');pre.id='selftest';pre.textContent=JSON.stringify(r);document.body.appendChild(pre);
}
})();
"#;

/// Renders blocks as a complete HTML page.
pub fn render(title: &str, blocks: &[Block], lang: Language) -> String {
    let html_lang = if lang == Language::Zh { "zh-CN" } else { "en" };
    let mut s = format!(
        "<!DOCTYPE html>\n<html lang=\"{html_lang}\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{}</title>\n<style>{CSS}</style>\n</head>\n<body>\n<main>\n<h1>{}</h1>\n",
        esc(title),
        esc(title)
    );
    render_blocks(&mut s, blocks, lang);
    s.push_str(&format!(
        "</main>\n<script>{SCRIPT}</script>\n</body>\n</html>\n"
    ));
    s
}

fn render_blocks(s: &mut String, blocks: &[Block], lang: Language) {
    let zoom = |k: &str| match (lang, k) {
        (Language::Zh, "in") => "放大",
        (Language::Zh, "out") => "缩小",
        (Language::Zh, _) => "复位",
        (Language::En, "in") => "zoom in",
        (Language::En, "out") => "zoom out",
        (Language::En, _) => "reset",
    };
    for b in blocks {
        match b {
            Block::Heading(h) => s.push_str(&format!("<h2>{}</h2>\n", esc(h))),
            Block::SubHeading(h) => s.push_str(&format!("<h3>{}</h3>\n", esc(h))),
            Block::Para(p) => s.push_str(&format!("<p>{}</p>\n", esc(p))),
            Block::Warning(w) => s.push_str(&format!(
                "<div class=\"warning\" role=\"alert\">⚠ {}</div>\n",
                esc(w)
            )),
            Block::Figures(f) => {
                s.push_str("<div class=\"figures\">\n");
                for (k, v, n) in f {
                    s.push_str(&format!(
                        "<div class=\"fig\"><div class=\"k\">{}</div><div class=\"v\">{}</div><div class=\"n\">{}</div></div>\n",
                        esc(k),
                        esc(v),
                        esc(n)
                    ));
                }
                s.push_str("</div>\n");
            }
            Block::Table(head, rows) => {
                s.push_str("<table>\n<thead><tr>");
                for (k, h) in head.iter().enumerate() {
                    let numeric = rows
                        .first()
                        .is_some_and(|r| r.get(k).is_some_and(|c| c.kind == CellKind::Num));
                    let class = if numeric { " class=\"num\"" } else { "" };
                    s.push_str(&format!("<th{class}>{}</th>", esc(h)));
                }
                s.push_str("</tr></thead>\n<tbody>\n");
                for r in rows {
                    s.push_str("<tr>");
                    for c in r {
                        match c.kind {
                            CellKind::Text => s.push_str(&format!("<td>{}</td>", esc(&c.text))),
                            CellKind::Num => {
                                s.push_str(&format!("<td class=\"num\">{}</td>", esc(&c.text)))
                            }
                            CellKind::Status(st) => s.push_str(&format!(
                                "<td><span class=\"badge {}\">{}</span></td>",
                                st.name(),
                                esc(&c.text)
                            )),
                        }
                    }
                    s.push_str("</tr>\n");
                }
                s.push_str("</tbody>\n</table>\n");
            }
            Block::Map(caption, _, svg) => {
                s.push_str(&format!(
                    "<figure class=\"mapfig\">\n<figcaption>{}</figcaption>\n<div class=\"mapbox\">\n{svg}\n<div class=\"ctl\"><button type=\"button\" data-act=\"in\" title=\"{}\">+</button><button type=\"button\" data-act=\"out\" title=\"{}\">−</button><button type=\"button\" data-act=\"reset\" title=\"{}\">⟲</button></div>\n<div class=\"info\" hidden></div>\n</div>\n</figure>\n",
                    esc(caption),
                    zoom("in"),
                    zoom("out"),
                    zoom("reset")
                ));
            }
            Block::Chart(caption, _, svg) => {
                s.push_str(&format!(
                    "<figure class=\"chart\">\n<figcaption>{}</figcaption>\n{svg}\n</figure>\n",
                    esc(caption)
                ));
            }
            Block::Bullets(items) => {
                s.push_str("<ul class=\"bullets\">\n");
                for i in items {
                    s.push_str(&format!("<li>{}</li>\n", esc(i)));
                }
                s.push_str("</ul>\n");
            }
            Block::Details(summary, open, inner) => {
                s.push_str(&format!(
                    "<details{}>\n<summary>{}</summary>\n",
                    if *open { " open" } else { "" },
                    esc(summary)
                ));
                render_blocks(s, inner, lang);
                s.push_str("</details>\n");
            }
            Block::Defs(d) => {
                s.push_str("<dl>\n");
                for (k, v) in d {
                    s.push_str(&format!("<dt>{}</dt><dd>{}</dd>\n", esc(k), esc(v)));
                }
                s.push_str("</dl>\n");
            }
        }
    }
}
