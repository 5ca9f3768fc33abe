package search

// The own ranking.
//
// bleve's postings iterators decode the frequency and norm of every posting
// they pass, even when they only advance to a given document, so a query is
// as costly as the postings lists of its words are long, whatever the page
// size: a query with one common syllable ("xã") walks hundreds of thousands
// of postings in each of several fields. When the lists a query would walk
// are long (more than Options.CostLimit postings), the package ranks the
// match set itself instead of bleve:
//
//   - the match set, total and facets are still exact (matchset.go);
//   - each syllable scores as bleve's TF-IDF would (√freq × norm × idf² ×
//     the field's boost, times the share of its fields that matched), but a
//     body or extra postings list longer than pruneShare of the index is
//     left out of the score: a syllable that common has an idf near 1 and
//     hardly moves the order, while reading its list is most of the cost.
//     Title-like lists that long are read up to a cap (capPostings, in index
//     order), because a title match is what ranks first;
//   - a document number typed as a whole still gives its large bonus; the
//     phrase bonuses are not computed (they need positions);
//   - sort by date reads the publication date of the newest years' matches
//     from doc values;
//   - the page's stored fields come from bleve by document ID, and its
//     highlights from analysing the page's own title and body.
//
// Who ranks a query (bleve or the own ranking) depends only on the index and
// the query, so a given query on a given index always gets the same order.

import (
	"container/heap"
	"math"
	"runtime"
	"slices"
	"sort"
	"sync"

	"github.com/RoaringBitmap/roaring/v2"
)

const (
	// defaultCostLimit is the number of postings above which a query gets
	// the own ranking rather than bleve's.
	defaultCostLimit = 40_000
	// pruneShare: a postings list holding more than this share of the
	// documents (and at least pruneMin postings) does not count in the score.
	pruneShare = 0.08
	pruneMin   = 20_000
	// capPostings bounds the postings read from a long title-like list.
	capPostings = 5_000
	// postingsBudget bounds the postings read whole by one query; the
	// rarest lists come first.
	postingsBudget = 20_000
)

// cost is the number of postings bleve would walk for the words of pl.
func (pl *plan) cost(vs []*segView) (uint64, error) {
	var n uint64
	for _, tok := range pl.tokens {
		for _, sf := range tok {
			for _, t := range sf.terms {
				df, err := pl.df(vs, sf.field, t)
				if err != nil {
					return 0, err
				}
				n += df
			}
		}
	}
	return n, nil
}

// df is postingsCount, remembered for the plan: cost, ranking and the title
// bonus ask for the same lists.
func (pl *plan) df(vs []*segView, field string, term []byte) (uint64, error) {
	key := field + "\x00" + string(term)
	if n, ok := pl.dfs[key]; ok {
		return n, nil
	}
	n, err := postingsCount(vs, field, term)
	if err != nil {
		return 0, err
	}
	if pl.dfs == nil {
		pl.dfs = map[string]uint64{}
	}
	pl.dfs[key] = n
	return n, nil
}

func postingsCount(vs []*segView, field string, term []byte) (uint64, error) {
	var n uint64
	for _, v := range vs {
		c, err := v.liveCount(field, term)
		if err != nil {
			return 0, err
		}
		n += c
	}
	return n, nil
}

// segScores is the score of every document of one segment.
type segScores struct {
	total []float32
	tok   []float32 // the current syllable's field scores
	seen  []uint8   // the current syllable's matched fields
	touch []uint32  // documents with tok or seen set
	pos   []uint32  // documents with total > 0
}

// Score arrays are as long as their segment (a million entries for a big
// one): they are reused, and left all zero after use by clearing only the
// entries that were set. They wait in scoreFree, not in a sync.Pool: a pool
// is emptied by every GC, which a busy server runs several times a second,
// and hands out arrays of any length, so a search over segments of several
// sizes dropped most of them; the score arrays were a quarter of what
// searches allocated.
var scoreFree struct {
	sync.Mutex
	list []*segScores
	held int // bytes of the arrays in list
}

// heldScoresPerCPU bounds the bytes of score arrays kept between searches,
// per CPU the Go runtime uses: more searches at once than CPUs do not go
// faster, and what the list keeps is heap the GC cannot use. At 1.1 million
// documents (9 bytes a document) it is a search and a half per CPU.
const heldScoresPerCPU = 16 << 20

func (sc *segScores) bytes() int { return 9 * cap(sc.total) }

// getScores returns zeroed score arrays for a segment of n documents: the
// shortest free ones that are long enough, or new ones.
func getScores(n int) *segScores {
	scoreFree.Lock()
	best := -1
	for i, sc := range scoreFree.list {
		if cap(sc.total) >= n && (best < 0 || cap(sc.total) < cap(scoreFree.list[best].total)) {
			best = i
		}
	}
	if best >= 0 {
		sc := scoreFree.list[best]
		last := len(scoreFree.list) - 1
		scoreFree.list[best] = scoreFree.list[last]
		scoreFree.list[last] = nil
		scoreFree.list = scoreFree.list[:last]
		scoreFree.held -= sc.bytes()
		scoreFree.Unlock()
		sc.total, sc.tok, sc.seen = sc.total[:n], sc.tok[:n], sc.seen[:n]
		return sc
	}
	scoreFree.Unlock()
	return &segScores{total: make([]float32, n), tok: make([]float32, n), seen: make([]uint8, n)}
}

// putScores clears the entries that were set and keeps the arrays for the
// next search, unless heldScoresPerCPU per CPU are kept already.
func putScores(sc *segScores) {
	for _, d := range sc.pos {
		sc.total[d] = 0
	}
	for _, d := range sc.touch {
		sc.tok[d], sc.seen[d] = 0, 0
	}
	sc.pos, sc.touch = sc.pos[:0], sc.touch[:0]
	scoreFree.Lock()
	defer scoreFree.Unlock()
	if scoreFree.held+sc.bytes() > heldScoresPerCPU*runtime.GOMAXPROCS(0) {
		return
	}
	scoreFree.list = append(scoreFree.list, sc)
	scoreFree.held += sc.bytes()
}

func (sc *segScores) add(d uint32, x float32) {
	if sc.total[d] == 0 && x > 0 {
		sc.pos = append(sc.pos, d)
	}
	sc.total[d] += x
}

// ownRank returns the global numbers of the best want matches, best first
// (ties in index order), with their scores.
func ownRank(vs []*segView, ms []*roaring.Bitmap, pl *plan, docCount uint64, want int, opts Options) ([]uint64, []float32, error) {
	rk := newRanker(vs, ms, pl, docCount)
	defer rk.release()
	lists, skipped, err := rk.readingPlan(opts)
	if err != nil {
		return nil, nil, err
	}
	if err := rk.scoreSyllables(lists); err != nil {
		return nil, nil, err
	}
	keep := want
	if len(pl.tokens) > 1 {
		if err := rk.titleBonus(); err != nil {
			return nil, nil, err
		}
		keep = max(want, rerankTop)
	}
	if err := rk.numberBonus(); err != nil {
		return nil, nil, err
	}
	out := rk.best(keep, opts.denseAt)
	if len(pl.tokens) > 1 {
		if err := titleRerank(vs, out, pl, skipped); err != nil {
			return nil, nil, err
		}
	}
	slices.SortFunc(out, func(a, b scored) int {
		if better(a, b) {
			return -1
		}
		if better(b, a) {
			return 1
		}
		return 0
	})
	out = out[:min(len(out), want)]
	ids := make([]uint64, len(out))
	scores := make([]float32, len(out))
	for i, s := range out {
		ids[i], scores[i] = s.id, s.score
	}
	return ids, scores, nil
}

// ranker is one run of the own ranking: the segments, their match sets and
// the scores of their documents.
type ranker struct {
	vs       []*segView
	ms       []*roaring.Bitmap
	pl       *plan
	docCount uint64
	ss       []*segScores // per segment; nil for a segment without matches
	pr       postingsReader
}

func newRanker(vs []*segView, ms []*roaring.Bitmap, pl *plan, docCount uint64) *ranker {
	rk := &ranker{vs: vs, ms: ms, pl: pl, docCount: docCount, ss: make([]*segScores, len(vs))}
	for i, v := range vs {
		if !ms[i].IsEmpty() {
			rk.ss[i] = getScores(int(v.count()))
		}
	}
	return rk
}

// release returns the score arrays to their pool.
func (rk *ranker) release() {
	for _, sc := range rk.ss {
		if sc != nil {
			putScores(sc)
		}
	}
}

// idf is bleve's inverse document frequency of a term in df documents.
func (rk *ranker) idf(df uint64) float64 {
	return 1 + math.Log(float64(rk.docCount)/float64(df+1))
}

// scoreList is one postings list of the query and how much of it to read.
type scoreList struct {
	field string
	term  []byte
	boost float64
	df    uint64
	tok   int    // the query syllable it scores (-1: none)
	limit uint64 // postings to read: 0 none, df all
}

// readingPlan lists the postings lists of the query's syllables and how far to
// read each, and the title lists left unread (titleRerank scores them).
func (rk *ranker) readingPlan(opts Options) ([]scoreList, []titleTerm, error) {
	prune := uint64(max(pruneMin, pruneShare*float64(rk.docCount)))
	if opts.pruneAt > 0 {
		prune = opts.pruneAt
	}
	var lists []scoreList
	for k, tok := range rk.pl.tokens {
		for _, sf := range tok {
			for _, t := range sf.terms {
				df, err := rk.pl.df(rk.vs, sf.field, t)
				if err != nil {
					return nil, nil, err
				}
				if df > 0 {
					lists = append(lists, scoreList{sf.field, t, sf.boost, df, k, 0})
				}
			}
		}
	}
	// Which lists to read, and how far: the rarest first (they carry the
	// highest idf, so most of the order), whole while the query's budget of
	// postings lasts; then title-like lists up to a cap; the rest not at all.
	byDF := make([]int, len(lists))
	for i := range byDF {
		byDF[i] = i
	}
	sort.SliceStable(byDF, func(a, b int) bool { return lists[byDF[a]].df < lists[byDF[b]].df })
	// A query of several syllables does not read its long title lists at all:
	// the best hundred candidates get those title scores exactly, from their
	// stored titles (titleRerank), which a cap in index order would make a
	// matter of luck.
	var used uint64
	var skipped []titleTerm
	for _, i := range byDF {
		l := &lists[i]
		titleLike := l.field == fTitle || l.field == fTitleF || l.field == fNumberT
		switch {
		case l.df <= prune && used+l.df <= postingsBudget:
			l.limit = l.df
		case titleLike && len(rk.pl.tokens) == 1:
			l.limit = min(l.df, capPostings)
		case l.field == fTitle || l.field == fTitleF:
			idf := rk.idf(l.df)
			skipped = append(skipped, titleTerm{l.field, string(l.term), l.boost * idf * idf})
		}
		used += l.limit
	}
	return lists, skipped, nil
}

// read scores the postings of l, up to limit of them over all segments (0:
// all): into the current syllable's scores when isTok, else straight into
// the totals.
func (rk *ranker) read(l scoreList, isTok bool, limit uint64) error {
	idf := rk.idf(l.df)
	w := float32(l.boost * idf * idf)
	var n uint64 // postings read, over all segments
	for i, v := range rk.vs {
		sc := rk.ss[i]
		if sc == nil {
			continue
		}
		if limit > 0 && n >= limit {
			break
		}
		err := rk.pr.read(v, l.field, l.term, func(doc uint32, freq uint64, norm float32) bool {
			n++
			if limit > 0 && n > limit {
				return false
			}
			// Documents outside the match set get a score too, never read:
			// cheaper than testing each posting against the set.
			s := w * sqrtFreq(freq) * norm
			if !isTok {
				sc.add(doc, s)
				return true
			}
			if sc.seen[doc] == 0 {
				sc.touch = append(sc.touch, doc)
			}
			sc.seen[doc]++
			sc.tok[doc] += s
			return true
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// scoreSyllables adds each syllable's score: its lists as far as planned,
// times the share of its fields that matched.
func (rk *ranker) scoreSyllables(lists []scoreList) error {
	for k, tok := range rk.pl.tokens {
		for _, l := range lists {
			if l.tok != k {
				continue
			}
			if l.limit == 0 {
				continue
			}
			limit := uint64(0) // whole list
			if l.limit < l.df {
				limit = l.limit
			}
			if err := rk.read(l, true, limit); err != nil {
				return err
			}
		}
		// bleve's disjunction multiplies by the share of alternatives that
		// matched (its coordination factor).
		nAlts := float32(len(tok))
		for _, sc := range rk.ss {
			if sc == nil {
				continue
			}
			for _, d := range sc.touch {
				sc.add(d, sc.tok[d]*float32(sc.seen[d])/nAlts)
				sc.tok[d], sc.seen[d] = 0, 0
			}
			sc.touch = sc.touch[:0]
		}
	}
	return nil
}

// titleBonus stands for bleve's phrase bonus, which needs positions, and is
// cheap: a bonus for the matches whose title holds every syllable of the
// query (bitmaps), as large as the phrase bonus would be for a title of
// about four words.
func (rk *ranker) titleBonus() error {
	var bonus float64
	alts := make([]fieldTerms, 0, len(rk.pl.titles))
	for _, terms := range rk.pl.titles {
		alts = append(alts, fieldTerms{fTitleF, terms})
		for _, t := range terms {
			df, err := rk.pl.df(rk.vs, fTitleF, t)
			if err != nil {
				return err
			}
			idf := rk.idf(df)
			bonus += boostTitleF * phraseBoost * idf * idf / 2
		}
	}
	for i, v := range rk.vs {
		sc := rk.ss[i]
		if sc == nil {
			continue
		}
		// The first title list intersected with the matches, then the
		// others in place: a title list is much shorter than the matches
		// of a common syllable, whose copy this does not make.
		all := rk.ms[i] // only read when there are no title lists
		for k, ft := range alts {
			bm, err := v.fieldTermsBM(ft)
			if err != nil {
				return err
			}
			if k == 0 {
				all = roaring.And(rk.ms[i], bm)
			} else {
				all.And(bm)
			}
			if all.IsEmpty() {
				break
			}
		}
		all.Iterate(func(d uint32) bool {
			sc.add(d, float32(bonus))
			return true
		})
	}
	return nil
}

// numberBonus adds the score of a document number typed as a whole.
func (rk *ranker) numberBonus() error {
	for _, t := range rk.pl.number {
		df, err := rk.pl.df(rk.vs, t.field, t.term)
		if err != nil {
			return err
		}
		if df > 0 {
			if err := rk.read(scoreList{t.field, t.term, t.boost, df, -1, df}, false, 0); err != nil {
				return err
			}
		}
	}
	return nil
}

// best returns the keep best of the scored matches, then, if they are too
// few, the first unscored ones in index order: a pass over the scored
// documents rather than over every match (a million for "xã"). They come
// in no particular order.
func (rk *ranker) best(keep, denseAt int) []scored {
	h := &topHeap{}
	push := func(s float32, id uint64) {
		if h.Len() < keep {
			heap.Push(h, scored{s, id})
		} else if better(scored{s, id}, (*h)[0]) {
			(*h)[0] = scored{s, id}
			heap.Fix(h, 0)
		}
	}
	n := 0
	for i, v := range rk.vs {
		sc := rk.ss[i]
		if sc == nil {
			continue
		}
		if len(sc.pos) < denseAt {
			for _, d := range sc.pos {
				if rk.ms[i].Contains(d) {
					push(sc.total[d], v.offset+uint64(d))
					n++
				}
			}
			continue
		}
		// Many scored documents: the match set as a plain bitset answers
		// "is d a match?" with one load instead of roaring's search.
		dense := denseOf(rk.ms[i])
		for _, d := range sc.pos {
			if w := int(d >> 6); w < len(*dense) && (*dense)[w]&(1<<(d&63)) != 0 {
				push(sc.total[d], v.offset+uint64(d))
				n++
			}
		}
		putDense(dense)
	}
	for i, v := range rk.vs {
		sc := rk.ss[i]
		if n >= keep {
			break
		}
		if sc == nil {
			continue // no match in this segment; later ones may have some
		}
		rk.ms[i].Iterate(func(x uint32) bool {
			if sc.total[x] == 0 {
				push(0, v.offset+uint64(x))
				n++
			}
			return n < keep
		})
	}
	out := make([]scored, len(*h))
	copy(out, *h)
	return out
}

// denseCheck is the number of scored documents of a segment from which the
// match set is tested as a plain bitset (Options.denseAt in tests).
const denseCheck = 2048

var densePool sync.Pool

// denseOf writes m into a plain bitset from the pool (putDense returns it).
func denseOf(m *roaring.Bitmap) *[]uint64 {
	b, _ := densePool.Get().(*[]uint64)
	if b == nil {
		b = new([]uint64)
	}
	n := int(m.DenseSize())
	if cap(*b) < n {
		*b = make([]uint64, n)
	}
	*b = (*b)[:n]
	m.WriteDenseTo(*b) // ORs into it: it is all zero here
	return b
}

func putDense(b *[]uint64) {
	clear(*b)
	densePool.Put(b)
}

// rerankTop is how many of the best matches get the title phrase bonus.
const rerankTop = 100

// titleTerm is a title postings list left unread, with its weight
// (boost × idf²).
type titleTerm struct {
	field, term string
	w           float64
}

// titleRerank adds to the best matches of a query of several syllables
// what their titles are worth that the postings did not say: the title
// lists left unread (skipped), scored as bleve would (weight × √freq /
// √length), and what bleve's phrase bonus on the title would give: the
// query's syllables adjacent and in order, weighted like a title match, and
// half as much for each adjacent pair. Titles are read from the stored
// fields: a hundred documents, not a postings walk.
func titleRerank(vs []*segView, out []scored, pl *plan, skipped []titleTerm) error {
	var want []string
	var w float64
	for _, terms := range pl.titles {
		for _, t := range terms {
			want = append(want, string(t))
		}
		w += boostTitleF * phraseBoost
	}
	if len(want) < 2 {
		return nil
	}
	tb, eb := getTokenBuf(), getTokenBuf()
	defer putTokenBuf(tb)
	defer putTokenBuf(eb)
	// The exact tokens only when a skipped exact-title list needs them;
	// then one scan gives both.
	var exact *tokenBuf
	if slices.ContainsFunc(skipped, func(st titleTerm) bool { return st.field == fTitle }) {
		exact = eb
	}
	var title []byte
	var got [][]byte
	for i := range out {
		v, local := segOf(vs, out[i].id)
		var err error
		title, err = v.storedField(local, fTitle, title[:0])
		if err != nil {
			return err
		}
		scanBoth(tb, exact, title)
		toks := tb.toks
		if len(toks) == 0 {
			continue
		}
		got = got[:0]
		for _, t := range toks {
			got = append(got, t.term)
		}
		b := skippedScore(skipped, got, eb.toks)
		if containsRun(got, want) {
			b += w
		}
		for j := 0; j+1 < len(want); j++ {
			if containsRun(got, want[j:j+2]) {
				b += w / 2 / float64(len(want)-1)
			}
		}
		out[i].score += float32(b / math.Sqrt(float64(len(got))))
		if pl.fit != nil {
			out[i].score *= float32(pl.fit.factorOf(toks, title))
		}
	}
	return nil
}

// skippedScore is what the title lists left unread give a title whose
// folded tokens are folded and exact ones exact, as bleve would score them
// (weight × √freq, before the field's norm).
func skippedScore(skipped []titleTerm, folded [][]byte, exact []token) float64 {
	var b float64
	for _, st := range skipped {
		n := 0
		if st.field == fTitleF {
			for _, g := range folded {
				if string(g) == st.term {
					n++
				}
			}
		} else if st.field == fTitle {
			for _, t := range exact {
				if string(t.term) == st.term {
					n++
				}
			}
		}
		if n > 0 {
			b += st.w * math.Sqrt(float64(n))
		}
	}
	return b
}

// containsRun reports whether run occurs in s as consecutive elements.
func containsRun(s [][]byte, run []string) bool {
outer:
	for i := 0; i+len(run) <= len(s); i++ {
		for j, r := range run {
			if string(s[i+j]) != r {
				continue outer
			}
		}
		return true
	}
	return false
}

var sqrtTable = func() (t [64]float32) {
	for i := range t {
		t[i] = float32(math.Sqrt(float64(i)))
	}
	return t
}()

var invSqrtTable = func() (t [4096]float32) {
	for i := 1; i < len(t); i++ {
		t[i] = float32(1 / math.Sqrt(float64(i)))
	}
	t[0] = 1
	return t
}()

// sqrtFreq is √f, from the table for the common small frequencies.
func sqrtFreq(f uint64) float32 {
	if f < uint64(len(sqrtTable)) {
		return sqrtTable[f]
	}
	return float32(math.Sqrt(float64(f)))
}

// invSqrt is 1/√n (1 for 0), from the table for the common short fields.
func invSqrt(n uint64) float32 {
	if n < uint64(len(invSqrtTable)) {
		return invSqrtTable[n]
	}
	return float32(1 / math.Sqrt(float64(n)))
}

// better: higher score, then lower document number.
func better(a, b scored) bool {
	if a.score != b.score {
		return a.score > b.score
	}
	return a.id < b.id
}
