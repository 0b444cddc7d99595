// The normalised aspect vocabulary: free-text MusicCaps aspects → kebab-case tags.
// Each rule is a pattern over the lower-cased aspect; an aspect may yield several tags
// ("passionate male vocal" → passionate, male-vocal). Aspects that match no rule are "unknown"
// and are counted by the build report.

export type TagCategory =
  | 'style' | 'mood' | 'tempo' | 'instrument' | 'vocal' | 'drums' | 'quality' | 'setting' | 'texture' | 'register';

export interface TagRule {
  tag: string;
  category: TagCategory;
  pattern: RegExp;
}

const r = (tag: string, category: TagCategory, pattern: RegExp): TagRule => ({ tag, category, pattern });

export const TAG_RULES: readonly TagRule[] = [
  // tempo — order matters only for readability; all matching rules apply
  r('slow-tempo', 'tempo', /\b(slow(er)?|down) ?tempo\b|\bslow\b(?! (attack|release))|\blargo\b|\badagio\b/),
  r('medium-tempo', 'tempo', /\b(medium|moderate|mid|mid-?paced|average)[ -]?(fast |slow )?tempo\b|\bmedium pace\b|\bmoderato\b/),
  r('fast-tempo', 'tempo', /\b(fast|quick|rapid|high|uptempo|up-tempo|up tempo)\b.*\btempo\b|\buptempo\b|\bup-tempo\b|\bfast\b|\bpresto\b|\ballegro\b/),
  // styles
  r('rock', 'style', /\brock\b|\bgrunge\b|\bpunk\b/),
  r('metal', 'style', /\bmetal\b|\bheavy riff|\bdjent\b|\bthrash\b/),
  r('pop', 'style', /\bpop\b|\bk-?pop\b|\bj-?pop\b|\bbollywood\b/),
  r('jazz', 'style', /\bjazz|\bswing\b|\bbebop\b|\bbossa\b|\blounge\b/),
  r('blues', 'style', /\bblues/),
  r('classical', 'style', /\bclassical\b|\bbaroque\b|\bsymphon|\bphilharmonic\b|\borchestra|\bchamber\b|\bopera|\bsonata\b|\bconcerto\b|\bconductor\b/),
  r('electronic', 'style', /\belectro|\bedm\b|\btechno\b|\btrance\b|\bhouse\b|\bdubstep\b|\bsynth ?pop\b|\bdj\b|\bclub\b|\brave\b|\bdrum (and|&|n) bass\b|\bdnb\b|\bbig room\b|\bchiptune|\b8-?bit\b|\bvideo game\b|\bidm\b/),
  r('hip-hop', 'style', /\bhip[ -]?hop\b|\brap\b|\brapp|\btrap\b|\bboom bap\b|\bdrill\b|\bgrime\b|\bturntabl|\bscratch/),
  r('r-and-b', 'style', /\br ?& ?b\b|\brnb\b|\bsoul\b|\bneo soul\b|\bmotown\b|\bgospel\b/),
  r('funk', 'style', /\bfunk|\bdisco\b/),
  r('reggae', 'style', /\breggae|\bdub\b|\bska\b|\bdancehall\b|\breggaeton\b/),
  r('latin', 'style', /\blatin|\bsalsa\b|\bcumbia\b|\btango\b|\bmariachi\b|\bflamenco\b|\bsamba\b|\bbachata\b|\bmerengue\b|\bbrazil/),
  r('folk', 'style', /\bfolk|\bcountry\b|\bbluegrass\b|\bceltic\b|\birish\b|\bbarn\b|\bhoedown\b|\bwestern\b(?! classical)/),
  r('world', 'style', /\bworld\b|\bindian\b|\bcarnatic\b|\bhindustani\b|\bbhajan|\braga\b|\barabic\b|\bmiddle eastern\b|\bafrican\b|\basian\b|\bchinese\b|\bjapanese\b|\bregional\b|\btraditional\b|\bethnic\b|\btribal\b|\bbollywood\b|\bqawwali\b|\bturkish\b|\bgreek\b/),
  r('ambient', 'style', /\bambient\b|\bambience\b|\bdrone\b|\bnew age\b|\bmeditat|\bspa\b|\byoga\b|\bsoundscape\b|\batmospher/),
  r('cinematic', 'style', /\bcinematic\b|\bsoundtrack\b|\bmovie\b|\bfilm\b|\btrailer\b|\bscore\b|\bepic\b|\bgame music\b/),
  r('ballad', 'style', /\bballad\b|\blove song\b/),
  r('lullaby', 'style', /\blullaby\b|\bnursery\b|\bkids?\b|\bchildren'?s?\b|\bmusic box\b/),
  r('devotional', 'style', /\bdevotional\b|\breligious\b|\bchurch\b|\bhymn\b|\bworship\b|\bspiritual\b|\bchristian\b|\bchant/),
  r('march', 'style', /\bmarch\b|\bmarching\b|\bmilitary\b|\bbrass band\b/),
  r('waltz', 'style', /\bwaltz\b|\b3\/4\b|\btriple meter\b/),
  r('dance', 'style', /\bdance|\bdanceable\b|\bfour on the floor\b|\b4 on the floor\b/),
  r('experimental', 'style', /\bexperimental\b|\bavant|\bnoise music\b|\bpsychedelic\b|\btrippy\b|\bweird\b/),
  // moods: valence (+/-) and arousal are assigned in the music plan
  r('happy', 'mood', /\bhapp|\bjoy|\bcheer|\bfun\b|\bfunny\b|\bplayful\b|\bpositive\b|\bupbeat\b|\bbright\b|\bsunny\b|\bfestive\b|\bcelebrat|\bjolly\b|\bcarefree\b|\bpeppy\b|\bperky\b|\bbouncy\b|\bbuoyant\b|\bwhimsical\b|\bcute\b|\bcomic|\bhumorous\b/),
  r('sad', 'mood', /\bsad\b|\bsadness\b|\bmelanchol|\bsorrow|\bgrie|\bmourn|\bdepress|\bgloomy\b|\blonely\b|\bheartbreak|\bheart-?broken\b|\bpoignant\b|\bsomber\b|\bsombre\b|\bwistful\b|\btearful\b|\bsentimental\b|\bnostalgi|\bpensive\b|\bmelancholy\b|\bregret/),
  r('dark', 'mood', /\bdark\b|\bsinister\b|\bominous\b|\beerie\b|\bscary\b|\bspooky\b|\bhorror\b|\bcreepy\b|\bhaunting\b|\bmenacing\b|\bgrim\b|\bsuspense|\bmysterious\b|\bthreatening\b|\bevil\b|\btense\b|\btension\b/),
  r('calm', 'mood', /\bcalm|\brelax|\bsooth|\bpeace|\bchill\b|\bchilled\b|\bmellow\b|\bgentle\b|\bsoft\b|\bserene\b|\btranquil\b|\beasygoing\b|\blaid[ -]back\b|\bdreamy\b|\bsmooth\b|\bwarm\b|\bdulcet\b|\bmellifluous\b|\bsweet\b|\btender\b|\bmeditative\b|\bhypnotic\b|\bethereal\b/),
  r('energetic', 'mood', /\benerg|\bexcit|\bintense\b|\bpowerful\b|\bspirited\b|\benthusias|\bvibrant\b|\blively\b|\bvigorous\b|\bvivacious\b|\badrenaline\b|\bhype|\bwild\b|\bmanic\b|\bfrantic\b|\bdriving\b|\bpumping\b|\banthem|\bpulsating\b|\bsonic power\b|\bboisterous\b|\bexhilarat/),
  r('aggressive', 'mood', /\baggress|\bangry\b|\banger\b|\bviolent\b|\bharsh\b|\bbrutal\b|\bheavy\b|\bhard\b|\bfierce\b|\brage\b|\bchaotic\b|\bmessy\b/),
  r('romantic', 'mood', /\bromanti|\blove\b|\bsensual\b|\bseductive\b|\bintimate\b|\bpassionate\b|\bsoulful\b|\bemotional\b|\bheartfelt\b/),
  r('epic', 'mood', /\bepic\b|\bheroic\b|\bgrand\b|\bmajestic\b|\btriumph|\binspir|\buplift|\bmotivat|\bempower|\bdramatic\b|\bemphatic\b/),
  r('groovy', 'mood', /\bgroov|\bfunky\b|\bcatchy\b|\baddictive\b|\bswinging\b|\bengaging\b/),
  // instruments
  r('piano', 'instrument', /\bpiano|\bkeys\b|\bkeyboard|\bgrand piano\b/),
  r('electric-piano', 'instrument', /\belectric piano\b|\be-?piano\b|\brhodes\b|\bwurlitzer\b/),
  r('organ', 'instrument', /\borgan\b|\bhammond\b|\bharmonium\b/),
  r('harpsichord', 'instrument', /\bharpsichord\b|\bclavinet\b/),
  r('acoustic-guitar', 'instrument', /\bacoustic (rhythm )?guitar|\bclassical guitar\b|\bspanish guitar\b|\bnylon|\bguitar strum|\bstrumm/),
  r('electric-guitar', 'instrument', /\belectric guitar|\be-?guitar|\blead guitar\b|\bguitar (solo|lead|riff|melody)|\bguitar\b(?!.*\b(acoustic|bass)\b)|\bamplified guitar\b/),
  r('distorted-guitar', 'instrument', /\bdistort(ed|ion) (electric )?guitar|\bguitar distortion\b|\boverdriven guitar|\bpower chord/),
  r('bass', 'instrument', /\bbass\b(?! drum)|\bbass ?line|\bbass guitar\b|\be-?bass\b|\bbassline\b|\bsub[ -]?bass\b/),
  r('synth-bass', 'instrument', /\bsynth(esi[sz]er)? bass\b|\b808 bass\b|\bsub[ -]?bass\b|\bwobble\b/),
  r('upright-bass', 'instrument', /\bupright bass\b|\bdouble bass\b|\bcontrabass\b|\bacoustic bass\b/),
  r('strings', 'instrument', /\bstrings?\b(?! instrument)|\bstring (section|ensemble|harmony|melody)|\bviola\b|\bstring quartet\b/),
  r('violin', 'instrument', /\bviolin|\bfiddle\b/),
  r('cello', 'instrument', /\bcello/),
  r('harp', 'instrument', /\bharp\b|\bharps\b|\blyre\b/),
  r('flute', 'instrument', /\bflute|\bpiccolo\b|\bpan ?flute\b|\bwhistle\b|\brecorder\b|\bbansuri\b|\bwind instrument/),
  r('clarinet', 'instrument', /\bclarinet/),
  r('oboe', 'instrument', /\boboe|\bbassoon\b|\bshehnai\b|\bwoodwind/),
  r('saxophone', 'instrument', /\bsax/),
  r('trumpet', 'instrument', /\btrumpet|\bcornet\b|\bhorns?\b(?! section)|\bflugelhorn\b/),
  r('brass', 'instrument', /\bbrass|\btrombone|\btuba\b|\bfrench horn|\bhorn section\b|\beuphonium\b/),
  r('synth', 'instrument', /\bsynth(?!.*bass)|\bsynthesi[sz]er(?!.*bass)|\bsynthwave\b|\barpeggiat|\blead synth\b|\bsaw\b|\bsupersaw\b/),
  r('synth-pad', 'instrument', /\bpad\b|\bpads\b|\bsynth pad|\bdrone\b|\bsustained (synth|pad|strings)/),
  r('bells', 'instrument', /\bbell|\bchime|\bglockenspiel\b|\bcelesta\b|\bmusic box\b|\bvibraphone\b|\bmarimba\b|\bxylophone\b|\bsteel ?drum|\bkalimba\b/),
  r('accordion', 'instrument', /\baccordion|\bharmonica\b|\bbandoneon\b|\bconcertina\b|\bmelodica\b/),
  r('plucked', 'instrument', /\bbanjo\b|\bmandolin\b|\bsitar\b|\bukulele\b|\buke\b|\blute\b|\bkoto\b|\boud\b|\bbouzouki\b|\bzither\b|\bguzheng\b|\bveena\b|\bshamisen\b|\bdulcimer\b/),
  r('choir', 'vocal', /\bchoir\b|\bchoral\b|\bchorus\b|\bbackup singers\b|\bbacking vocals?\b|\bvocal harmon|\bharmoniz|\bgroup vocal|\bvoices\b|\bchant/),
  r('male-vocal', 'vocal', /\bmale (voice|vocal|singer|vocalist|rapper|lead)|\bman singing\b|\bmale vocals\b|\bbaritone\b|\btenor\b|\bboy'?s? voice\b/),
  r('female-vocal', 'vocal', /\bfemale (voice|vocal|singer|vocalist|rapper|lead)|\bwoman singing\b|\bfemale vocals\b|\bsoprano\b|\balto\b|\bgirl'?s? voice\b|\bdiva\b/),
  r('vocal', 'vocal', /\bvocal|\bsing|\bvoice\b|\blyric|\bhumming\b|\bwhistling\b|\brapp|\bvocalis|\bcrooning\b|\byodel/),
  r('instrumental', 'vocal', /\binstrumental\b|\bno (voice|vocal|singer|singing|lyrics)|\bwithout (voice|vocal)|\bwordless\b/),
  // drums and percussion
  r('drums', 'drums', /\bdrum(?!.*\bno\b)|\bbeat\b|\bkick\b|\bsnare\b|\bhi[ -]?hats?\b|\bcymbal|\bride\b|\btoms?\b|\bgroove\b|\bbreakbeat\b|\bpercussi(?!on-?less)|\brhythm section\b|\bbackbeat\b/),
  r('electronic-drums', 'drums', /\belectronic drum|\bdigital drum|\bdrum machine\b|\bprogrammed (drum|beat|percussion)|\b808\b|\b909\b|\bdrum pad|\bbeat ?box/),
  r('acoustic-drums', 'drums', /\bacoustic drum|\blive drum|\bdrum ?kit\b|\bdrummer\b/),
  r('hand-percussion', 'drums', /\btambourine|\bshaker|\bclap|\bconga|\bbongo|\btabla|\bdhol|\bdjembe|\bcajon\b|\bcastanet|\bmaracas?\b|\bwood(en)? (block|percussi)|\bhand drum|\bframe drum|\btriangle\b|\bcowbell\b|\btimbales?\b/),
  r('timpani', 'drums', /\btimpani\b|\bkettle ?drum|\bgong\b|\btaiko\b|\borchestral (bass )?drum/),
  r('no-drums', 'drums', /\bno (drums|percussion|beat|rhythm section)|\bwithout (drums|percussion)|\bpercussion-?less\b|\bno other instrument|\bsolo instrument|\bsingle instrument|\bsolo (piano|guitar|violin|flute|cello)\b|\ba cappella\b|\bacapella\b/),
  // recording character
  r('low-quality', 'quality', /\blow[ -]?(quality|fi\b|fidelity)|\bpoor (audio |sound |recording )?quality|\bbad (audio |sound )?quality|\binferior|\blofi\b|\blo-?fi\b|\bamateur|\bhome (video|recording)|\bphone recording|\bmediocre|\bdegraded|\bcheap\b|\bunbalanced\b|\bbadly\b|\bcrushed\b|\bthin\b/),
  r('noisy', 'quality', /\bnois|\bhiss|\bstatic\b|\bcrackl|\bvinyl\b|\bwhite noise\b|\bbuzz|\bhum\b|\bclipping\b|\bdistorted (audio|sound|recording)/),
  r('mono', 'quality', /\bmono\b|\bmonophonic recording\b|\bold recording\b|\bvintage\b|\bretro\b|\bradio\b|\bgramophone\b|\bold[- ]fashioned\b/),
  r('muffled', 'quality', /\bmuffled\b|\bmuddy\b|\bboomy\b|\bmuted\b|\bdull\b|\bmuddled\b|\bunclear\b/),
  r('reverberant', 'quality', /\breverb|\becho|\bspacious\b|\bwide\b|\bhall\b|\bcathedral\b|\bwet\b|\bdelay\b/),
  r('distorted', 'quality', /\bdistort|\boverdrive|\bfuzz\b|\bsaturat|\bgritty\b|\bdirty\b|\braw\b/),
  r('live', 'setting', /\blive\b|\bconcert\b|\bperformance\b|\bcrowd|\baudience\b|\bcheering\b|\bapplause\b|\bstage\b|\bfestival\b|\bgig\b|\bjam\b|\bstreet\b|\bbusk/),
  r('speech', 'setting', /\bspeech\b|\bspeak|\btalk|\bnarrat|\bpeople talking\b|\bdialog|\bspoken\b|\btutorial\b|\binstruction|\bstory ?telling\b|\bpodcast\b|\binterview\b/),
  r('nature', 'setting', /\bbird|\bnature\b|\bwater\b|\brain\b|\bocean\b|\bwaves\b|\bforest\b|\bwind\b(?! instrument)|\bstream\b|\briver\b|\bthunder\b|\banimal/),
  r('sound-effects', 'setting', /\bsound effects?\b|\bsfx\b|\bfoley\b|\bsiren\b|\bengine\b|\bexplosion|\bgunshot|\bfootstep|\bcar\b|\bvideo game\b|\bbeep/),
  r('church', 'setting', /\bchurch\b|\bcathedral\b|\btemple\b|\bmosque\b|\bsunday service\b|\bworship\b/),
  r('club', 'setting', /\bclub\b|\bdisco\b|\bparty\b|\bdance ?floor\b|\brave\b|\bnightclub\b/),
  r('happy', 'mood', /\byouthful\b|\bpleasant\b|\bmerry\b|\bhopeful\b|\beuphori|\bcharming\b|\bentertaining\b|\bcomed|\bquirky\b|\blilting\b|\bchristmas\b|\btropical\b/),
  r('energetic', 'mood', /\belectrifying\b|\bthrilling\b|\banimated\b|\brebellious\b|\badventurous\b|\binsistent\b|\bincessant\b|\bcompelling\b|\bcaptivating\b|\benthralling\b/),
  r('dark', 'mood', /\bmystical\b|\benigmatic\b|\bdangerous\b|\bdissonant\b|\bserious\b|\bbizarre\b|\bprofound\b/),
  r('calm', 'mood', /\bmelodious\b|\beuphonious\b|\bcelestial\b|\bcozy\b|\breflective\b|\beasy listening\b|\bmesmeri[sz]ing\b|\bheart-?touching\b/),
  r('medium-tempo', 'tempo', /\bmemdium tempo\b|\bsteady (rhythm|pace)\b/),
  r('synth', 'instrument', /\btheremin\b|\bfuturistic\b|\briser\b|\beffect pedal\b/),
  r('plucked', 'instrument', /\bstring(ed)? instruments?\b|\bresonator\b/),
  r('world', 'style', /\bdidgeridoo\b|\bbagpipes?\b|\bforeign language\b|\bhindi\b|\bspanish\b|\bexotic\b|\boriental\b|\bafrobeat\b|\bvocables\b/),
  r('hip-hop', 'style', /\burban\b|^hip$|\bturn ?table\b/),
  r('rock', 'style', /\balternative\b|\bindie\b/),
  r('vocal', 'vocal', /\bduet\b|\bshouting\b|\bvibrato\b/),
  r('instrumental', 'vocal', /\bno instruments\b|\bbacking track\b|\bbackground music\b/),
  r('drums', 'drums', /\brimshot|\bopen hats?\b|\bsyncopated\b|\brhythmic\b|\btapping\b/),
  r('dance', 'style', /\bpeople dancing\b|\bremix\b/),
  r('low-quality', 'quality', /\baverage (audio )?quality\b|\bhome (music )?video\b|\byoutube\b|\bplayback\b/),
  // register and texture
  r('high-register', 'register', /\bhigh(er)?[ -]?(pitch|pitched|notes|register|range)\b|\bfalsetto\b|\bshrill\b|\bsqueaky\b|\bhigher pitch\b|\btreble\b/),
  r('low-register', 'register', /\blow[ -]?(pitch|pitched|notes|register|range|end)\b|\bdeep\b|\bbaritone\b|\bbass[ -]?heavy\b|\bsub\b|\brumbl/),
  r('loud', 'texture', /\bloud\b|\bpunchy\b|\bbooming\b|\bblasting\b|\bforte\b|\bfull\b|\bthick\b|\bdense\b|\bwall of sound\b|\bcompressed\b/),
  r('quiet', 'texture', /\bquiet\b|\bsoft\b|\bfaint\b|\bgentle\b|\bdelicate\b|\bhushed\b|\bwhisper|\bpianissimo\b|\bsubtle\b|\bsparse\b/),
  r('minimal', 'texture', /\bminimal|\bsimple\b|\bsparse\b|\bsingle instrument\b|\bsolo\b|\bsoloist\b|\bbare\b|\bstripped\b/),
  r('repetitive', 'texture', /\brepet|\brepeated\b|\bloop|\bostinato\b|\bhypnotic\b|\bostinati\b/),
];

/** Canonical spelling before matching: case, punctuation, common variants and plurals. */
export function canonicalAspect(aspect: string): string {
  return aspect
    .toLowerCase()
    .replace(/[“”"'`’]/g, '')
    .replace(/[_]+/g, ' ')
    .replace(/\s+/g, ' ')
    .replace(/\bhi hat/g, 'hi-hat')
    .replace(/\bsynthesiser/g, 'synthesizer')
    .replace(/\bguitars\b/g, 'guitar')
    .replace(/\bdrums\b/g, 'drum')
    .replace(/\bvocals\b/g, 'vocal')
    .replace(/\bvoices\b(?=.*\bmale|.*\bfemale)/g, 'voice')
    .replace(/\bpianos\b/g, 'piano')
    .replace(/\bviolins\b/g, 'violin')
    .replace(/\btrumpets\b/g, 'trumpet')
    .trim();
}

export interface AspectNormalisation {
  tags: string[];
  /** aspects that matched no rule */
  unknown: string[];
  /** every aspect with the tags it produced, for tracing a plan back to its caption */
  trace: { aspect: string; tags: string[] }[];
}

export function normaliseAspects(aspects: readonly string[]): AspectNormalisation {
  const tags = new Set<string>();
  const unknown: string[] = [];
  const trace: { aspect: string; tags: string[] }[] = [];
  for (const aspect of aspects) {
    const canon = canonicalAspect(aspect);
    const hit = TAG_RULES.filter((rule) => rule.pattern.test(canon)).map((rule) => rule.tag);
    resolveConflicts(hit, canon);
    trace.push({ aspect, tags: hit });
    if (hit.length === 0) unknown.push(aspect);
    hit.forEach((t) => tags.add(t));
  }
  // a caption that names no voice is instrumental only when it says so; both present means voice wins
  if (tags.has('instrumental') && [...tags].some((t) => t === 'male-vocal' || t === 'female-vocal')) tags.delete('instrumental');
  if (tags.has('no-drums')) ['drums', 'electronic-drums', 'acoustic-drums'].forEach((t) => tags.delete(t));
  return { tags: [...tags].sort(), unknown, trace };
}

function resolveConflicts(hit: string[], canon: string): void {
  const drop = (t: string): void => {
    const i = hit.indexOf(t);
    if (i >= 0) hit.splice(i, 1);
  };
  if (hit.includes('no-drums')) drop('drums');
  if (hit.includes('instrumental')) drop('vocal');
  if (hit.includes('male-vocal') || hit.includes('female-vocal') || hit.includes('choir')) drop('vocal');
  if (hit.includes('synth-bass') || hit.includes('upright-bass')) drop('bass');
  if (hit.includes('distorted-guitar')) { drop('electric-guitar'); drop('distorted'); }
  if (hit.includes('electric-piano')) drop('piano');
  // a bare "guitar" means electric; "bass guitar", "acoustic/classical/spanish guitar" do not
  if (!/\belectric guitar|\be-?guitar|\bamplified guitar\b|\blead guitar\b/.test(canon)) {
    if (hit.includes('acoustic-guitar') || /\bbass guitar\b/.test(canon)) drop('electric-guitar');
  }
  if (/\bclassical guitar\b/.test(canon)) drop('classical');
  if (/\bslow\b.*\bfast\b|\bfast\b.*\bslow\b/.test(canon)) { drop('slow-tempo'); drop('fast-tempo'); hit.push('medium-tempo'); }
  if (/\bmedium (fast|to uptempo|to fast)\b/.test(canon)) { drop('medium-tempo'); if (!hit.includes('fast-tempo')) hit.push('fast-tempo'); }
  if (/\bmedium( to)? slow\b/.test(canon)) { drop('medium-tempo'); if (!hit.includes('slow-tempo')) hit.push('slow-tempo'); }
  if (hit.includes('medium-tempo')) { drop('fast-tempo'); drop('slow-tempo'); }
  if (hit.includes('hip-hop') && /\btrap\b/.test(canon)) drop('hip-hop'), hit.push('hip-hop');
}

export function tagCategory(tag: string): TagCategory | undefined {
  return TAG_RULES.find((r) => r.tag === tag)?.category;
}
