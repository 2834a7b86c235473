;; The match of an input with every category of a fuzzy ART memory (`art-memory.ts`), two categories at a time
;; (128-bit SIMD: one f64 lane per category, so each lane adds in the same order as the JavaScript twin and computes
;; the same bits).
;;
;; The source of `art-kernels-wasm.ts`: edit this file, then run `node scripts/build-kernels.mjs` from packages/ml
;; (a test fails while the two disagree). Addresses are byte offsets into the memory. The weights are stored feature
;; by feature: the lower corners of feature f of all categories at `lower + 8·capacity·f`, the complements' at
;; `complement + 8·capacity·f`, so that one 128-bit load reads two neighbouring categories.
(module
  (memory (export "memory") 0)

;; For the categories in slots s < count (rounded up to a multiple of 4; `capacity` is one): with x = input
  ;; (dimension values), v = the newest level x[dimension − 1], W and K the lower corners and complements:
  ;;   levels[s] = (min(v, W[last][s]) + min(1 − v, K[last][s])) / (W[last][s] + K[last][s])   (1 for a zero norm)
  ;;   overlap   = Σ min(x[f], W[f][s]) + min(1 − x[f], K[f][s]), f from dimension/2 up, then f from 0
  ;;   scores[s] = (overlap / norms[s])³ × levels[s]²                                          (1 for a zero norm)
  ;; and every category whose score reaches `vigilance` learns the input (see $learn), its last use set to
  ;; `presented`; returns the largest score, and stores at `found` (i32) the first category in visit order that has
  ;; it (`categories` holds the category of each slot, i32). Four categories per step, as two pairs whose sums are
  ;; independent; a block of four that can neither hold the best nor learn is skipped, its scores stored as 0.
  ;; `splats` holds 32 × dimension bytes of scratch.
  (func (export "scores")
    (param $lower i32) (param $complement i32) (param $norms i32) (param $headNorms i32) (param $lastUsed i32)
    (param $input i32) (param $dimension i32) (param $capacity i32) (param $count i32) (param $scores i32)
    (param $levels i32) (param $splats i32) (param $vigilance f64) (param $presented f64) (param $start i32)
    (param $categories i32) (param $first i32) (param $found i32) (param $sums i32)
    (result f64)
    (local $feature i32) (local $row i32) (local $at i32) (local $end i32) (local $half i32) (local $lastRow i32)
    (local $weights i32) (local $complements i32) (local $splat i32) (local $splatEnd i32) (local $splatHalf i32)
    (local $value f64) (local $x v128) (local $inverse v128)
    (local $overlap v128) (local $overlapNext v128) (local $one v128) (local $zero v128)
    (local $score v128) (local $scoreNext v128) (local $mask v128) (local $maskNext v128) (local $threshold v128)
    (local $category v128) (local $limit v128) (local $bound v128) (local $boundNext v128) (local $best v128)
    (local $cut v128) (local $slack v128) (local $lanes v128) (local $left i32) (local $weight v128)
    (local $weightComplement v128) (local $levelNorm v128) (local $level v128) (local $norm v128) (local $match v128)
    (local $newest v128) (local $newestComplement v128) (local $partial v128) (local $partialNext v128)
    (local $full v128) (local $winner i32) (local $rank i32) (local $slot i32) (local $candidate i32)
    (local $candidateRank i32) (local $inputHead f64) (local $inputTail f64) (local $head v128) (local $tail v128)
    (local $complementHead v128) (local $complementTail v128) (local $tailSums i32) (local $tolerance v128)
    (local $headLower v128) (local $tailLower v128) (local $headNorm v128) (local $levelOverlap v128)
    (local $levelNormNext v128) (local $levelOverlapNext v128)
    (local.set $half (i32.shr_u (local.get $dimension) (i32.const 1)))
    (local.set $row (i32.shl (local.get $capacity) (i32.const 3)))
    (local.set $lastRow (i32.mul (i32.sub (local.get $dimension) (i32.const 1)) (local.get $row)))
    (local.set $one (f64x2.splat (f64.const 1)))
    (local.set $full (f64x2.splat (f64.convert_i32_u (local.get $dimension))))
    (local.set $threshold (f64x2.splat (local.get $vigilance)))
    (local.set $slack (f64x2.splat (f64.const 1.000000001)))
    (local.set $limit (i64x2.splat (i64.extend_i32_u (local.get $count))))
    (local.set $lanes (i64x2.replace_lane 1 (i64x2.splat (i64.const 0)) (i64.const 1)))
    ;; The input and its complement, each value in both lanes.
    (local.set $feature (i32.const 0))
    (block $splatted
      (loop $splatting
        (br_if $splatted (i32.ge_u (local.get $feature) (local.get $dimension)))
        (local.set $value (f64.load (i32.add (local.get $input) (i32.shl (local.get $feature) (i32.const 3)))))
        (v128.store (i32.add (local.get $splats) (i32.shl (local.get $feature) (i32.const 5)))
          (f64x2.splat (local.get $value)))
        (v128.store offset=16 (i32.add (local.get $splats) (i32.shl (local.get $feature) (i32.const 5)))
          (f64x2.splat (f64.sub (f64.const 1) (local.get $value))))
        (if (i32.lt_u (local.get $feature) (local.get $half))
          (then (local.set $inputHead (f64.add (local.get $inputHead) (local.get $value))))
          (else (local.set $inputTail (f64.add (local.get $inputTail) (local.get $value)))))
        (local.set $feature (i32.add (local.get $feature) (i32.const 1)))
        (br $splatting)))
    ;; The sums of the input over each half of the features, and of its complement.
    (local.set $tailSums (i32.add (local.get $sums) (local.get $row)))
    (local.set $tolerance (f64x2.splat (f64.const 0.000000001)))
    (local.set $head (f64x2.splat (local.get $inputHead)))
    (local.set $tail (f64x2.splat (local.get $inputTail)))
    (local.set $complementHead
      (f64x2.splat (f64.sub (f64.convert_i32_u (local.get $half)) (local.get $inputHead))))
    (local.set $complementTail
      (f64x2.splat
        (f64.sub (f64.convert_i32_u (i32.sub (local.get $dimension) (local.get $half))) (local.get $inputTail))))
    (local.set $splatHalf (i32.add (local.get $splats) (i32.shl (local.get $half) (i32.const 5))))
    (local.set $splatEnd (i32.add (local.get $splats) (i32.shl (local.get $dimension) (i32.const 5))))
    (local.set $newest (v128.load (i32.sub (local.get $splatEnd) (i32.const 32))))
    (local.set $newestComplement (v128.load (i32.sub (local.get $splatEnd) (i32.const 16))))
    ;; The blocks of four from the one holding category `start` (the last best: a good score early lets the bound
    ;; below skip more blocks) to the end, then from the first.
    (local.set $at (i32.shl (i32.and (local.get $start) (i32.const -4)) (i32.const 3)))
    (local.set $end (i32.shl (local.get $count) (i32.const 3)))
    (local.set $left (i32.shr_u (i32.add (local.get $count) (i32.const 3)) (i32.const 2)))
    (block $done
      (loop $quads
        (br_if $done (i32.eqz (local.get $left)))
        (local.set $category
          (i64x2.add (local.get $lanes) (i64x2.splat (i64.extend_i32_u (i32.shr_u (local.get $at) (i32.const 3))))))
        (block $next
        ;; The newest level's overlap and norm. A score is at most the newest level's match squared (the feature
        ;; match is at most 1; the slack covers its rounding). When that rules out all four categories (below both
        ;; the best score so far and the vigilance, so none of them can be the best or learn), their scores are left
        ;; at 0 unread. The test is the match's without its division: overlap² × slack < cut × norm².
        (local.set $weight (v128.load (i32.add (i32.add (local.get $lower) (local.get $lastRow)) (local.get $at))))
        (local.set $weightComplement
          (v128.load (i32.add (i32.add (local.get $complement) (local.get $lastRow)) (local.get $at))))
        (local.set $levelNorm (f64x2.add (local.get $weight) (local.get $weightComplement)))
        (local.set $levelOverlap
          (f64x2.add
            (f64x2.pmin (local.get $newest) (local.get $weight))
            (f64x2.pmin (local.get $newestComplement) (local.get $weightComplement))))
        (local.set $weight
          (v128.load offset=16 (i32.add (i32.add (local.get $lower) (local.get $lastRow)) (local.get $at))))
        (local.set $weightComplement
          (v128.load offset=16 (i32.add (i32.add (local.get $complement) (local.get $lastRow)) (local.get $at))))
        (local.set $levelNormNext (f64x2.add (local.get $weight) (local.get $weightComplement)))
        (local.set $levelOverlapNext
          (f64x2.add
            (f64x2.pmin (local.get $newest) (local.get $weight))
            (f64x2.pmin (local.get $newestComplement) (local.get $weightComplement))))
        (local.set $cut (f64x2.pmin (local.get $best) (local.get $threshold)))
        (if (i32.and
              (i64x2.all_true
                (f64x2.lt
                  (f64x2.mul (f64x2.mul (local.get $levelOverlap) (local.get $levelOverlap)) (local.get $slack))
                  (f64x2.mul (local.get $cut) (f64x2.mul (local.get $levelNorm) (local.get $levelNorm)))))
              (i64x2.all_true
                (f64x2.lt
                  (f64x2.mul (f64x2.mul (local.get $levelOverlapNext) (local.get $levelOverlapNext)) (local.get $slack))
                  (f64x2.mul (local.get $cut) (f64x2.mul (local.get $levelNormNext) (local.get $levelNormNext))))))
          (then
            (v128.store (i32.add (local.get $scores) (local.get $at)) (local.get $zero))
            (v128.store offset=16 (i32.add (local.get $scores) (local.get $at)) (local.get $zero))
            (br $next)))
        ;; The newest level's match (stored; 1 for a zero norm), and its square.
        (local.set $level
          (v128.bitselect
            (f64x2.div (local.get $levelOverlap) (local.get $levelNorm))
            (local.get $one)
            (f64x2.gt (local.get $levelNorm) (local.get $zero))))
        (v128.store (i32.add (local.get $levels) (local.get $at)) (local.get $level))
        (local.set $bound (f64x2.mul (local.get $level) (local.get $level)))
        (local.set $level
          (v128.bitselect
            (f64x2.div (local.get $levelOverlapNext) (local.get $levelNormNext))
            (local.get $one)
            (f64x2.gt (local.get $levelNormNext) (local.get $zero))))
        (v128.store offset=16 (i32.add (local.get $levels) (local.get $at)) (local.get $level))
        (local.set $boundNext (f64x2.mul (local.get $level) (local.get $level)))
        ;; A bound of the feature match from six numbers per category: the norm, the head norm, and the sums of the
        ;; lower corners over each half (at `sums`, and `tailSums` = `sums + row`). Within a half of n features with
        ;; input sum s, the overlap falls short of the weights by Σ max(0, w − x) + max(0, k − (1 − x)), which is at
        ;; least max(0, Σw − s) + max(0, Σk − (n − s)); so the match is at most 1 − (the two halves' shortfalls) /
        ;; norm. The tolerance 10⁻⁹ (far above the sums' rounding) keeps it a bound after rounding.
        (if (i32.and
              (i64x2.all_true
                (f64x2.lt
                  (f64x2.mul
                    (f64x2.mul
(f64x2.mul (f64x2.mul (local.tee $partial (f64x2.sub (local.get $one)
                  (f64x2.div
                    (f64x2.sub
                      (f64x2.add
                        (f64x2.add
                          (f64x2.pmax (local.get $zero)
                            (f64x2.sub (local.tee $headLower (v128.load (i32.add (local.get $sums) (local.get $at))))
                              (local.get $head)))
                          (f64x2.pmax (local.get $zero)
                            (f64x2.sub
                              (f64x2.sub (local.tee $headNorm (v128.load (i32.add (local.get $headNorms) (local.get $at))))
                                (local.get $headLower))
                              (local.get $complementHead))))
                        (f64x2.add
                          (f64x2.pmax (local.get $zero)
                            (f64x2.sub (local.tee $tailLower (v128.load (i32.add (local.get $tailSums) (local.get $at))))
                              (local.get $tail)))
                          (f64x2.pmax (local.get $zero)
                            (f64x2.sub
                              (f64x2.sub
                                (f64x2.sub (local.tee $norm (v128.load (i32.add (local.get $norms) (local.get $at))))
                                  (local.get $headNorm))
                                (local.get $tailLower))
                              (local.get $complementTail)))))
                      (local.get $tolerance))
                    (local.get $norm)))) (local.get $partial)) (local.get $partial))
                      (local.get $bound))
                    (local.get $slack))
                  (local.get $cut)))
              (i64x2.all_true
                (f64x2.lt
                  (f64x2.mul
                    (f64x2.mul
(f64x2.mul (f64x2.mul (local.tee $partialNext (f64x2.sub (local.get $one)
                  (f64x2.div
                    (f64x2.sub
                      (f64x2.add
                        (f64x2.add
                          (f64x2.pmax (local.get $zero)
                            (f64x2.sub (local.tee $headLower (v128.load (i32.add (local.get $sums) (i32.add (local.get $at) (i32.const 16)))))
                              (local.get $head)))
                          (f64x2.pmax (local.get $zero)
                            (f64x2.sub
                              (f64x2.sub (local.tee $headNorm (v128.load (i32.add (local.get $headNorms) (i32.add (local.get $at) (i32.const 16)))))
                                (local.get $headLower))
                              (local.get $complementHead))))
                        (f64x2.add
                          (f64x2.pmax (local.get $zero)
                            (f64x2.sub (local.tee $tailLower (v128.load (i32.add (local.get $tailSums) (i32.add (local.get $at) (i32.const 16)))))
                              (local.get $tail)))
                          (f64x2.pmax (local.get $zero)
                            (f64x2.sub
                              (f64x2.sub
                                (f64x2.sub (local.tee $norm (v128.load (i32.add (local.get $norms) (i32.add (local.get $at) (i32.const 16)))))
                                  (local.get $headNorm))
                                (local.get $tailLower))
                              (local.get $complementTail)))))
                      (local.get $tolerance))
                    (local.get $norm)))) (local.get $partialNext)) (local.get $partialNext))
                      (local.get $boundNext))
                    (local.get $slack))
                  (local.get $cut))))
          (then
            (v128.store (i32.add (local.get $scores) (local.get $at)) (local.get $zero))
            (v128.store offset=16 (i32.add (local.get $scores) (local.get $at)) (local.get $zero))
            (br $next)))
        ;; The overlap: the second half of the features, then the first.
        (local.set $overlap (local.get $zero))
        (local.set $overlapNext (local.get $zero))
        (local.set $splat (local.get $splatHalf))
        (local.set $weights
          (i32.add (local.get $lower) (i32.add (i32.mul (local.get $half) (local.get $row)) (local.get $at))))
        (local.set $complements
          (i32.add (local.get $complement) (i32.add (i32.mul (local.get $half) (local.get $row)) (local.get $at))))
        (block $tailDone
          (loop $tail
            (br_if $tailDone (i32.ge_u (local.get $splat) (local.get $splatEnd)))
            (local.set $x (v128.load (local.get $splat)))
            (local.set $inverse (v128.load offset=16 (local.get $splat)))
            (local.set $overlap
              (f64x2.add (local.get $overlap)
                (f64x2.add
                  (f64x2.pmin (local.get $x) (v128.load (local.get $weights)))
                  (f64x2.pmin (local.get $inverse) (v128.load (local.get $complements))))))
            (local.set $overlapNext
              (f64x2.add (local.get $overlapNext)
                (f64x2.add
                  (f64x2.pmin (local.get $x) (v128.load offset=16 (local.get $weights)))
                  (f64x2.pmin (local.get $inverse) (v128.load offset=16 (local.get $complements))))))
            (local.set $splat (i32.add (local.get $splat) (i32.const 32)))
            (local.set $weights (i32.add (local.get $weights) (local.get $row)))
            (local.set $complements (i32.add (local.get $complements) (local.get $row)))
            (br $tail)))
        ;; The first half adds at most its weights (the head norms) to the overlap: when the match that bounds rules
        ;; out all four categories (as above), the first half is not read.
        (local.set $partial
          (f64x2.div
            (f64x2.add (local.get $overlap) (v128.load (i32.add (local.get $headNorms) (local.get $at))))
            (v128.load (i32.add (local.get $norms) (local.get $at)))))
        (local.set $partialNext
          (f64x2.div
            (f64x2.add (local.get $overlapNext) (v128.load offset=16 (i32.add (local.get $headNorms) (local.get $at))))
            (v128.load offset=16 (i32.add (local.get $norms) (local.get $at)))))
        (if (i32.and
              (i64x2.all_true
                (f64x2.lt
                  (f64x2.mul
                    (f64x2.mul (f64x2.mul (f64x2.mul (local.get $partial) (local.get $partial)) (local.get $partial))
                      (local.get $bound))
                    (local.get $slack))
                  (local.get $cut)))
              (i64x2.all_true
                (f64x2.lt
                  (f64x2.mul
                    (f64x2.mul
                      (f64x2.mul (f64x2.mul (local.get $partialNext) (local.get $partialNext)) (local.get $partialNext))
                      (local.get $boundNext))
                    (local.get $slack))
                  (local.get $cut))))
          (then
            (v128.store (i32.add (local.get $scores) (local.get $at)) (local.get $zero))
            (v128.store offset=16 (i32.add (local.get $scores) (local.get $at)) (local.get $zero))
            (br $next)))
        (local.set $splat (local.get $splats))
        (local.set $weights (i32.add (local.get $lower) (local.get $at)))
        (local.set $complements (i32.add (local.get $complement) (local.get $at)))
        (block $headDone
          (loop $head
            (br_if $headDone (i32.ge_u (local.get $splat) (local.get $splatHalf)))
            (local.set $x (v128.load (local.get $splat)))
            (local.set $inverse (v128.load offset=16 (local.get $splat)))
            (local.set $overlap
              (f64x2.add (local.get $overlap)
                (f64x2.add
                  (f64x2.pmin (local.get $x) (v128.load (local.get $weights)))
                  (f64x2.pmin (local.get $inverse) (v128.load (local.get $complements))))))
            (local.set $overlapNext
              (f64x2.add (local.get $overlapNext)
                (f64x2.add
                  (f64x2.pmin (local.get $x) (v128.load offset=16 (local.get $weights)))
                  (f64x2.pmin (local.get $inverse) (v128.load offset=16 (local.get $complements))))))
            (local.set $splat (i32.add (local.get $splat) (i32.const 32)))
            (local.set $weights (i32.add (local.get $weights) (local.get $row)))
            (local.set $complements (i32.add (local.get $complements) (local.get $row)))
            (br $head)))
        ;; The scores: (overlap / norm)³ × the level's match² (the bound).
        (local.set $norm (v128.load (i32.add (local.get $norms) (local.get $at))))
        (local.set $match
          (v128.bitselect
            (f64x2.div (local.get $overlap) (local.get $norm))
            (local.get $one)
            (f64x2.gt (local.get $norm) (local.get $zero))))
        (local.set $score
          (f64x2.mul (f64x2.mul (f64x2.mul (local.get $match) (local.get $match)) (local.get $match)) (local.get $bound)))
        (v128.store (i32.add (local.get $scores) (local.get $at)) (local.get $score))
        (local.set $norm (v128.load (i32.add (local.get $norms) (i32.add (local.get $at) (i32.const 16)))))
        (local.set $match
          (v128.bitselect
            (f64x2.div (local.get $overlapNext) (local.get $norm))
            (local.get $one)
            (f64x2.gt (local.get $norm) (local.get $zero))))
        (local.set $scoreNext
          (f64x2.mul (f64x2.mul (f64x2.mul (local.get $match) (local.get $match)) (local.get $match)) (local.get $boundNext)))
        (v128.store (i32.add (local.get $scores) (i32.add (local.get $at) (i32.const 16))) (local.get $scoreNext))
        ;; The best score so far, in both lanes (of the categories below count).
        (local.set $best
          (f64x2.pmax (local.get $best)
            (f64x2.pmax
              (v128.and (local.get $score) (i64x2.lt_s (local.get $category) (local.get $limit)))
              (v128.and (local.get $scoreNext)
                (i64x2.lt_s (i64x2.add (local.get $category) (i64x2.splat (i64.const 2))) (local.get $limit))))))
        (local.set $best
          (f64x2.pmax (local.get $best) (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7
            (local.get $best) (local.get $best))))
        ;; The categories (below count) that reach the vigilance learn the input here, while their weights are in
        ;; the cache.
        (local.set $mask
          (v128.and (f64x2.ge (local.get $score) (local.get $threshold))
            (i64x2.lt_s (local.get $category) (local.get $limit))))
        (local.set $maskNext
          (v128.and (f64x2.ge (local.get $scoreNext) (local.get $threshold))
            (i64x2.lt_s (i64x2.add (local.get $category) (i64x2.splat (i64.const 2))) (local.get $limit))))
        (if (v128.any_true (v128.or (local.get $mask) (local.get $maskNext)))
          (then
            (call $learn (local.get $lower) (local.get $complement) (local.get $norms) (local.get $headNorms)
              (local.get $lastUsed) (local.get $row) (local.get $splats) (local.get $splatHalf)
              (local.get $splatEnd) (local.get $at) (local.get $mask) (local.get $maskNext)
              (local.get $presented) (local.get $full) (local.get $sums)))))
        (local.set $at (i32.add (local.get $at) (i32.const 32)))
        (if (i32.ge_u (local.get $at) (local.get $end)) (then (local.set $at (i32.const 0))))
        (local.set $left (i32.sub (local.get $left) (i32.const 1)))
        (br $quads)))
    ;; The best category: the first in visit order with the largest score. `first` (in slot `start`) is visited
    ;; first, then 1, 2, … with 0 in its place, so category c ≠ first is visited at rank c, and 0 at rank `first`.
    (local.set $value (f64x2.extract_lane 0 (local.get $best)))
    (local.set $winner (local.get $first))
    (if (f64.ne (f64.load (i32.add (local.get $scores) (i32.shl (local.get $start) (i32.const 3)))) (local.get $value))
      (then
        (local.set $rank (local.get $count))
        (local.set $slot (i32.const 0))
        (local.set $score (f64x2.splat (local.get $value)))
        (block $ranked
          (loop $ranking
            (br_if $ranked (i32.ge_u (local.get $slot) (local.get $count)))
            ;; A block of four without the largest score is passed over whole.
            (if (i32.eqz (i32.and (local.get $slot) (i32.const 3)))
              (then
                (if (i32.eqz
                      (v128.any_true
                        (v128.or
                          (f64x2.eq (local.get $score)
                            (v128.load (i32.add (local.get $scores) (i32.shl (local.get $slot) (i32.const 3)))))
                          (f64x2.eq (local.get $score)
                            (v128.load offset=16
                              (i32.add (local.get $scores) (i32.shl (local.get $slot) (i32.const 3))))))))
                  (then
                    (local.set $slot (i32.add (local.get $slot) (i32.const 4)))
                    (br $ranking)))))
            (if (f64.eq (f64.load (i32.add (local.get $scores) (i32.shl (local.get $slot) (i32.const 3))))
                  (local.get $value))
              (then
                (local.set $candidate
                  (i32.load (i32.add (local.get $categories) (i32.shl (local.get $slot) (i32.const 2)))))
                (local.set $candidateRank
                  (select (local.get $first) (local.get $candidate) (i32.eqz (local.get $candidate))))
                (if (i32.lt_u (local.get $candidateRank) (local.get $rank))
                  (then
                    (local.set $rank (local.get $candidateRank))
                    (local.set $winner (local.get $candidate))))))
            (local.set $slot (i32.add (local.get $slot) (i32.const 1)))
            (br $ranking)))))
    (i32.store (local.get $found) (local.get $winner))
    (local.get $value))

;; Fast learning for the lanes of `mask` and `maskNext` of the block at `at` = 8c (two pairs): weights ←
  ;; min(weights, input), the norms summed in feature order (the head's norm after the first half), the last use.
  ;; Lanes outside the masks keep their values (each feature: the lanes of the mask take min(weight, x) and
  ;; min(complement, 1 − x), x and 1 − x at `splat`).
  (func $learn (param $lower i32) (param $complement i32) (param $norms i32) (param $headNorms i32)
    (param $lastUsed i32) (param $row i32) (param $splat i32) (param $splatHalf i32) (param $splatEnd i32)
    (param $at i32) (param $mask v128) (param $maskNext v128) (param $presented f64) (param $full v128)
    (param $sums i32)
    (local $weights i32) (local $complements i32) (local $norm v128) (local $normNext v128) (local $weight v128)
    (local $weightComplement v128) (local $scan i32) (local $x v128) (local $inverse v128) (local $inside v128)
    (local $insideNext v128) (local $lowerSum v128) (local $lowerSumNext v128)
    (call $keep (i32.add (local.get $lastUsed) (local.get $at)) (f64x2.splat (local.get $presented)) (local.get $mask))
    (call $keep (i32.add (local.get $lastUsed) (i32.add (local.get $at) (i32.const 16)))
      (f64x2.splat (local.get $presented)) (local.get $maskNext))
    ;; Learning leaves a category as it is when its box holds the input (min(x, w) is w and min(1 − x, k) is k, bit
    ;; for bit, for every feature) and its norms are already the sums of its weights in feature order (every
    ;; category's are, except a new one's, which are exactly `dimension` and its half; for inputs in [0, 1] those are
    ;; the sums too, x + (1 − x) rounding to 1, but a new category still learns): such lanes only get their last
    ;; use.
    (local.set $inside (v128.const i64x2 -1 -1))
    (local.set $insideNext (v128.const i64x2 -1 -1))
    (local.set $scan (local.get $splat))
    (local.set $weights (i32.add (local.get $lower) (local.get $at)))
    (local.set $complements (i32.add (local.get $complement) (local.get $at)))
    (block $scanned
      (loop $scanning
        (br_if $scanned (i32.ge_u (local.get $scan) (local.get $splatEnd)))
        (local.set $x (v128.load (local.get $scan)))
        (local.set $inverse (v128.load offset=16 (local.get $scan)))
        (local.set $weight (v128.load (local.get $weights)))
        (local.set $weightComplement (v128.load (local.get $complements)))
        (local.set $inside
          (v128.and (local.get $inside)
            (v128.and
              (i64x2.eq (f64x2.pmin (local.get $x) (local.get $weight)) (local.get $weight))
              (i64x2.eq (f64x2.pmin (local.get $inverse) (local.get $weightComplement)) (local.get $weightComplement)))))
        (local.set $weight (v128.load offset=16 (local.get $weights)))
        (local.set $weightComplement (v128.load offset=16 (local.get $complements)))
        (local.set $insideNext
          (v128.and (local.get $insideNext)
            (v128.and
              (i64x2.eq (f64x2.pmin (local.get $x) (local.get $weight)) (local.get $weight))
              (i64x2.eq (f64x2.pmin (local.get $inverse) (local.get $weightComplement)) (local.get $weightComplement)))))
        (local.set $scan (i32.add (local.get $scan) (i32.const 32)))
        (local.set $weights (i32.add (local.get $weights) (local.get $row)))
        (local.set $complements (i32.add (local.get $complements) (local.get $row)))
        (br $scanning)))
    (local.set $mask
      (v128.andnot (local.get $mask)
        (v128.and (local.get $inside)
          (f64x2.ne (v128.load (i32.add (local.get $norms) (local.get $at))) (local.get $full)))))
    (local.set $maskNext
      (v128.andnot (local.get $maskNext)
        (v128.and (local.get $insideNext)
          (f64x2.ne (v128.load offset=16 (i32.add (local.get $norms) (local.get $at))) (local.get $full)))))
    (if (i32.eqz (v128.any_true (v128.or (local.get $mask) (local.get $maskNext)))) (then (return)))
    (local.set $weights (i32.add (local.get $lower) (local.get $at)))
    (local.set $complements (i32.add (local.get $complement) (local.get $at)))
    (block $headDone
      (loop $head
        (br_if $headDone (i32.ge_u (local.get $splat) (local.get $splatHalf)))
        (local.set $weight (v128.load (local.get $weights)))
        (local.set $weight
          (v128.bitselect (f64x2.pmin (v128.load (local.get $splat)) (local.get $weight)) (local.get $weight)
            (local.get $mask)))
        (v128.store (local.get $weights) (local.get $weight))
        (local.set $lowerSum (f64x2.add (local.get $lowerSum) (local.get $weight)))
        (local.set $weightComplement (v128.load (local.get $complements)))
        (local.set $weightComplement
          (v128.bitselect (f64x2.pmin (v128.load offset=16 (local.get $splat)) (local.get $weightComplement))
            (local.get $weightComplement) (local.get $mask)))
        (v128.store (local.get $complements) (local.get $weightComplement))
        (local.set $norm
          (f64x2.add (local.get $norm) (f64x2.add (local.get $weight) (local.get $weightComplement))))
        (local.set $weight (v128.load (i32.add (local.get $weights) (i32.const 16))))
        (local.set $weight
          (v128.bitselect (f64x2.pmin (v128.load (local.get $splat)) (local.get $weight)) (local.get $weight)
            (local.get $maskNext)))
        (v128.store (i32.add (local.get $weights) (i32.const 16)) (local.get $weight))
        (local.set $lowerSumNext (f64x2.add (local.get $lowerSumNext) (local.get $weight)))
        (local.set $weightComplement (v128.load (i32.add (local.get $complements) (i32.const 16))))
        (local.set $weightComplement
          (v128.bitselect (f64x2.pmin (v128.load offset=16 (local.get $splat)) (local.get $weightComplement))
            (local.get $weightComplement) (local.get $maskNext)))
        (v128.store (i32.add (local.get $complements) (i32.const 16)) (local.get $weightComplement))
        (local.set $normNext
          (f64x2.add (local.get $normNext) (f64x2.add (local.get $weight) (local.get $weightComplement))))
        (local.set $splat (i32.add (local.get $splat) (i32.const 32)))
        (local.set $weights (i32.add (local.get $weights) (local.get $row)))
        (local.set $complements (i32.add (local.get $complements) (local.get $row)))
        (br $head)))
    (call $keep (i32.add (local.get $headNorms) (local.get $at)) (local.get $norm) (local.get $mask))
    (call $keep (i32.add (local.get $headNorms) (i32.add (local.get $at) (i32.const 16))) (local.get $normNext)
      (local.get $maskNext))
    (call $keep (i32.add (local.get $sums) (local.get $at)) (local.get $lowerSum) (local.get $mask))
    (call $keep (i32.add (local.get $sums) (i32.add (local.get $at) (i32.const 16))) (local.get $lowerSumNext)
      (local.get $maskNext))
    (local.set $lowerSum (v128.const i64x2 0 0))
    (local.set $lowerSumNext (v128.const i64x2 0 0))
    (block $tailDone
      (loop $tail
        (br_if $tailDone (i32.ge_u (local.get $splat) (local.get $splatEnd)))
        (local.set $weight (v128.load (local.get $weights)))
        (local.set $weight
          (v128.bitselect (f64x2.pmin (v128.load (local.get $splat)) (local.get $weight)) (local.get $weight)
            (local.get $mask)))
        (v128.store (local.get $weights) (local.get $weight))
        (local.set $lowerSum (f64x2.add (local.get $lowerSum) (local.get $weight)))
        (local.set $weightComplement (v128.load (local.get $complements)))
        (local.set $weightComplement
          (v128.bitselect (f64x2.pmin (v128.load offset=16 (local.get $splat)) (local.get $weightComplement))
            (local.get $weightComplement) (local.get $mask)))
        (v128.store (local.get $complements) (local.get $weightComplement))
        (local.set $norm
          (f64x2.add (local.get $norm) (f64x2.add (local.get $weight) (local.get $weightComplement))))
        (local.set $weight (v128.load (i32.add (local.get $weights) (i32.const 16))))
        (local.set $weight
          (v128.bitselect (f64x2.pmin (v128.load (local.get $splat)) (local.get $weight)) (local.get $weight)
            (local.get $maskNext)))
        (v128.store (i32.add (local.get $weights) (i32.const 16)) (local.get $weight))
        (local.set $lowerSumNext (f64x2.add (local.get $lowerSumNext) (local.get $weight)))
        (local.set $weightComplement (v128.load (i32.add (local.get $complements) (i32.const 16))))
        (local.set $weightComplement
          (v128.bitselect (f64x2.pmin (v128.load offset=16 (local.get $splat)) (local.get $weightComplement))
            (local.get $weightComplement) (local.get $maskNext)))
        (v128.store (i32.add (local.get $complements) (i32.const 16)) (local.get $weightComplement))
        (local.set $normNext
          (f64x2.add (local.get $normNext) (f64x2.add (local.get $weight) (local.get $weightComplement))))
        (local.set $splat (i32.add (local.get $splat) (i32.const 32)))
        (local.set $weights (i32.add (local.get $weights) (local.get $row)))
        (local.set $complements (i32.add (local.get $complements) (local.get $row)))
        (br $tail)))
    (call $keep (i32.add (local.get $norms) (local.get $at)) (local.get $norm) (local.get $mask))
    (call $keep (i32.add (local.get $norms) (i32.add (local.get $at) (i32.const 16))) (local.get $normNext)
      (local.get $maskNext))
    (call $keep (i32.add (i32.add (local.get $sums) (local.get $row)) (local.get $at)) (local.get $lowerSum)
      (local.get $mask))
    (call $keep (i32.add (i32.add (local.get $sums) (local.get $row)) (i32.add (local.get $at) (i32.const 16)))
      (local.get $lowerSumNext) (local.get $maskNext)))



  ;; Stores `value` at `at` in the lanes of `mask`.
  (func $keep (param $at i32) (param $value v128) (param $mask v128)
    (v128.store (local.get $at) (v128.bitselect (local.get $value) (v128.load (local.get $at)) (local.get $mask)))))
