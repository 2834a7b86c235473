;; Dense f64 kernels over row-major matrices in this module's memory, using 128-bit SIMD (two f64 lanes).
;;
;; The source of `dense-kernels-wasm.ts`: edit this file, then run `node scripts/build-kernels.mjs` from
;; packages/ml (a test fails while the two disagree). Every address is a byte offset into the memory and every
;; stride counts f64 values. `dense-kernels.ts` holds a JavaScript twin of each export, used where WebAssembly SIMD
;; is unavailable; the two agree to round-off (only the order of the additions differs).
(module
  (memory (export "memory") 0)

  ;; Σ a[f]·b[f] for f < depth: pairs of lanes, then the odd last value.
  (func $dot (param $a i32) (param $b i32) (param $depth i32) (result f64)
    (local $end i32) (local $sum v128) (local $total f64)
    (local.set $end
      (i32.add (local.get $a) (i32.shl (i32.and (local.get $depth) (i32.const -2)) (i32.const 3))))
    (block $done
      (loop $pairs
        (br_if $done (i32.ge_u (local.get $a) (local.get $end)))
        (local.set $sum
          (f64x2.add (local.get $sum) (f64x2.mul (v128.load (local.get $a)) (v128.load (local.get $b)))))
        (local.set $a (i32.add (local.get $a) (i32.const 16)))
        (local.set $b (i32.add (local.get $b) (i32.const 16)))
        (br $pairs)))
    (local.set $total
      (f64.add (f64x2.extract_lane 0 (local.get $sum)) (f64x2.extract_lane 1 (local.get $sum))))
    (if (i32.and (local.get $depth) (i32.const 1))
      (then
        (local.set $total
          (f64.add (local.get $total) (f64.mul (f64.load (local.get $a)) (f64.load (local.get $b)))))))
    (local.get $total))

  ;; The lanes of `sum` added, plus a[at]·b[at] when `odd` (the last value of an odd depth).
  (func $finish (param $sum v128) (param $a i32) (param $b i32) (param $odd i32) (result f64)
    (local $total f64)
    (local.set $total
      (f64.add (f64x2.extract_lane 0 (local.get $sum)) (f64x2.extract_lane 1 (local.get $sum))))
    (if (local.get $odd)
      (then
        (local.set $total
          (f64.add (local.get $total) (f64.mul (f64.load (local.get $a)) (f64.load (local.get $b)))))))
    (local.get $total))

  ;; out[i·outStride + j] = Σ_f a[i·aStride + f] · b[j·bStride + f] for i < aRows, j < bRows, f < depth (A·Bᵀ).
  ;; Four rows of A against two rows of B at a time: each loaded pair of values feeds several multiply-adds.
  (func (export "dotRows")
    (param $a i32) (param $aStride i32) (param $aRows i32)
    (param $b i32) (param $bStride i32) (param $bRows i32)
    (param $depth i32) (param $out i32) (param $outStride i32)
    (local $row i32) (local $column i32) (local $at i32) (local $pairBytes i32) (local $odd i32)
    (local $a0 i32) (local $a1 i32) (local $a2 i32) (local $a3 i32) (local $b0 i32) (local $b1 i32)
    (local $o0 i32) (local $o1 i32) (local $o2 i32) (local $o3 i32)
    (local $w0 v128) (local $w1 v128) (local $x v128)
    (local $s00 v128) (local $s01 v128) (local $s10 v128) (local $s11 v128)
    (local $s20 v128) (local $s21 v128) (local $s30 v128) (local $s31 v128)
    (local.set $aStride (i32.shl (local.get $aStride) (i32.const 3)))
    (local.set $bStride (i32.shl (local.get $bStride) (i32.const 3)))
    (local.set $outStride (i32.shl (local.get $outStride) (i32.const 3)))
    (local.set $pairBytes (i32.shl (i32.and (local.get $depth) (i32.const -2)) (i32.const 3)))
    (local.set $odd (i32.and (local.get $depth) (i32.const 1)))
    (block $rowsDone
      (loop $rows
        (br_if $rowsDone (i32.gt_s (i32.add (local.get $row) (i32.const 4)) (local.get $aRows)))
        (local.set $a0 (i32.add (local.get $a) (i32.mul (local.get $row) (local.get $aStride))))
        (local.set $a1 (i32.add (local.get $a0) (local.get $aStride)))
        (local.set $a2 (i32.add (local.get $a1) (local.get $aStride)))
        (local.set $a3 (i32.add (local.get $a2) (local.get $aStride)))
        (local.set $o0 (i32.add (local.get $out) (i32.mul (local.get $row) (local.get $outStride))))
        (local.set $o1 (i32.add (local.get $o0) (local.get $outStride)))
        (local.set $o2 (i32.add (local.get $o1) (local.get $outStride)))
        (local.set $o3 (i32.add (local.get $o2) (local.get $outStride)))
        (local.set $column (i32.const 0))
        (block $columnsDone
          (loop $columns
            (br_if $columnsDone (i32.gt_s (i32.add (local.get $column) (i32.const 2)) (local.get $bRows)))
            (local.set $b0 (i32.add (local.get $b) (i32.mul (local.get $column) (local.get $bStride))))
            (local.set $b1 (i32.add (local.get $b0) (local.get $bStride)))
            (local.set $s00 (v128.const i64x2 0 0))
            (local.set $s01 (v128.const i64x2 0 0))
            (local.set $s10 (v128.const i64x2 0 0))
            (local.set $s11 (v128.const i64x2 0 0))
            (local.set $s20 (v128.const i64x2 0 0))
            (local.set $s21 (v128.const i64x2 0 0))
            (local.set $s30 (v128.const i64x2 0 0))
            (local.set $s31 (v128.const i64x2 0 0))
            (local.set $at (i32.const 0))
            (block $pairsDone
              (loop $pairs
                (br_if $pairsDone (i32.ge_u (local.get $at) (local.get $pairBytes)))
                (local.set $w0 (v128.load (i32.add (local.get $b0) (local.get $at))))
                (local.set $w1 (v128.load (i32.add (local.get $b1) (local.get $at))))
                (local.set $x (v128.load (i32.add (local.get $a0) (local.get $at))))
                (local.set $s00 (f64x2.add (local.get $s00) (f64x2.mul (local.get $x) (local.get $w0))))
                (local.set $s01 (f64x2.add (local.get $s01) (f64x2.mul (local.get $x) (local.get $w1))))
                (local.set $x (v128.load (i32.add (local.get $a1) (local.get $at))))
                (local.set $s10 (f64x2.add (local.get $s10) (f64x2.mul (local.get $x) (local.get $w0))))
                (local.set $s11 (f64x2.add (local.get $s11) (f64x2.mul (local.get $x) (local.get $w1))))
                (local.set $x (v128.load (i32.add (local.get $a2) (local.get $at))))
                (local.set $s20 (f64x2.add (local.get $s20) (f64x2.mul (local.get $x) (local.get $w0))))
                (local.set $s21 (f64x2.add (local.get $s21) (f64x2.mul (local.get $x) (local.get $w1))))
                (local.set $x (v128.load (i32.add (local.get $a3) (local.get $at))))
                (local.set $s30 (f64x2.add (local.get $s30) (f64x2.mul (local.get $x) (local.get $w0))))
                (local.set $s31 (f64x2.add (local.get $s31) (f64x2.mul (local.get $x) (local.get $w1))))
                (local.set $at (i32.add (local.get $at) (i32.const 16)))
                (br $pairs)))
            (f64.store (local.get $o0)
              (call $finish (local.get $s00) (i32.add (local.get $a0) (local.get $at)) (i32.add (local.get $b0) (local.get $at)) (local.get $odd)))
            (f64.store offset=8 (local.get $o0)
              (call $finish (local.get $s01) (i32.add (local.get $a0) (local.get $at)) (i32.add (local.get $b1) (local.get $at)) (local.get $odd)))
            (f64.store (local.get $o1)
              (call $finish (local.get $s10) (i32.add (local.get $a1) (local.get $at)) (i32.add (local.get $b0) (local.get $at)) (local.get $odd)))
            (f64.store offset=8 (local.get $o1)
              (call $finish (local.get $s11) (i32.add (local.get $a1) (local.get $at)) (i32.add (local.get $b1) (local.get $at)) (local.get $odd)))
            (f64.store (local.get $o2)
              (call $finish (local.get $s20) (i32.add (local.get $a2) (local.get $at)) (i32.add (local.get $b0) (local.get $at)) (local.get $odd)))
            (f64.store offset=8 (local.get $o2)
              (call $finish (local.get $s21) (i32.add (local.get $a2) (local.get $at)) (i32.add (local.get $b1) (local.get $at)) (local.get $odd)))
            (f64.store (local.get $o3)
              (call $finish (local.get $s30) (i32.add (local.get $a3) (local.get $at)) (i32.add (local.get $b0) (local.get $at)) (local.get $odd)))
            (f64.store offset=8 (local.get $o3)
              (call $finish (local.get $s31) (i32.add (local.get $a3) (local.get $at)) (i32.add (local.get $b1) (local.get $at)) (local.get $odd)))
            (local.set $o0 (i32.add (local.get $o0) (i32.const 16)))
            (local.set $o1 (i32.add (local.get $o1) (i32.const 16)))
            (local.set $o2 (i32.add (local.get $o2) (i32.const 16)))
            (local.set $o3 (i32.add (local.get $o3) (i32.const 16)))
            (local.set $column (i32.add (local.get $column) (i32.const 2)))
            (br $columns)))
        ;; An odd last row of B: one dot product per row of the block.
        (if (i32.lt_s (local.get $column) (local.get $bRows))
          (then
            (local.set $b0 (i32.add (local.get $b) (i32.mul (local.get $column) (local.get $bStride))))
            (f64.store (local.get $o0) (call $dot (local.get $a0) (local.get $b0) (local.get $depth)))
            (f64.store (local.get $o1) (call $dot (local.get $a1) (local.get $b0) (local.get $depth)))
            (f64.store (local.get $o2) (call $dot (local.get $a2) (local.get $b0) (local.get $depth)))
            (f64.store (local.get $o3) (call $dot (local.get $a3) (local.get $b0) (local.get $depth)))))
        (local.set $row (i32.add (local.get $row) (i32.const 4)))
        (br $rows)))
    ;; The last aRows mod 4 rows, one dot product at a time.
    (block $restDone
      (loop $rest
        (br_if $restDone (i32.ge_s (local.get $row) (local.get $aRows)))
        (local.set $a0 (i32.add (local.get $a) (i32.mul (local.get $row) (local.get $aStride))))
        (local.set $o0 (i32.add (local.get $out) (i32.mul (local.get $row) (local.get $outStride))))
        (local.set $column (i32.const 0))
        (block $singleDone
          (loop $single
            (br_if $singleDone (i32.ge_s (local.get $column) (local.get $bRows)))
            (f64.store
              (i32.add (local.get $o0) (i32.shl (local.get $column) (i32.const 3)))
              (call $dot
                (local.get $a0)
                (i32.add (local.get $b) (i32.mul (local.get $column) (local.get $bStride)))
                (local.get $depth)))
            (local.set $column (i32.add (local.get $column) (i32.const 1)))
            (br $single)))
        (local.set $row (i32.add (local.get $row) (i32.const 1)))
        (br $rest))))

  ;; g[f] += r0·x0[f] + r1·x1[f] + r2·x2[f] + r3·x3[f] for f < depth (r1..r3 = 0 and x1..x3 = x0 for fewer rows).
  (func $axpy4
    (param $g i32) (param $depth i32)
    (param $x0 i32) (param $x1 i32) (param $x2 i32) (param $x3 i32)
    (param $r0 f64) (param $r1 f64) (param $r2 f64) (param $r3 f64)
    (local $at i32) (local $pairBytes i32) (local $address i32)
    (local $v0 v128) (local $v1 v128) (local $v2 v128) (local $v3 v128)
    (local.set $v0 (f64x2.splat (local.get $r0)))
    (local.set $v1 (f64x2.splat (local.get $r1)))
    (local.set $v2 (f64x2.splat (local.get $r2)))
    (local.set $v3 (f64x2.splat (local.get $r3)))
    (local.set $pairBytes (i32.shl (i32.and (local.get $depth) (i32.const -2)) (i32.const 3)))
    (block $done
      (loop $pairs
        (br_if $done (i32.ge_u (local.get $at) (local.get $pairBytes)))
        (local.set $address (i32.add (local.get $g) (local.get $at)))
        (v128.store (local.get $address)
          (f64x2.add
            (v128.load (local.get $address))
            (f64x2.add
              (f64x2.add
                (f64x2.mul (local.get $v0) (v128.load (i32.add (local.get $x0) (local.get $at))))
                (f64x2.mul (local.get $v1) (v128.load (i32.add (local.get $x1) (local.get $at)))))
              (f64x2.add
                (f64x2.mul (local.get $v2) (v128.load (i32.add (local.get $x2) (local.get $at))))
                (f64x2.mul (local.get $v3) (v128.load (i32.add (local.get $x3) (local.get $at))))))))
        (local.set $at (i32.add (local.get $at) (i32.const 16)))
        (br $pairs)))
    (if (i32.and (local.get $depth) (i32.const 1))
      (then
        (local.set $address (i32.add (local.get $g) (local.get $at)))
        (f64.store (local.get $address)
          (f64.add
            (f64.load (local.get $address))
            (f64.add
              (f64.add
                (f64.mul (local.get $r0) (f64.load (i32.add (local.get $x0) (local.get $at))))
                (f64.mul (local.get $r1) (f64.load (i32.add (local.get $x1) (local.get $at)))))
              (f64.add
                (f64.mul (local.get $r2) (f64.load (i32.add (local.get $x2) (local.get $at))))
                (f64.mul (local.get $r3) (f64.load (i32.add (local.get $x3) (local.get $at)))))))))))

  ;; g[k·gStride + f] = Σ_i r[i·rStride + k] · x[i·xStride + f] for k < outputs, f < depth (Rᵀ·X), overwriting
  ;; those entries of g. Rows go four at a time, so each entry of g is loaded and stored once per four rows (eight
  ;; at a time measured slower: the splatted factors no longer fit in registers).
  (func (export "transposeProduct")
    (param $r i32) (param $rStride i32) (param $rows i32) (param $outputs i32)
    (param $x i32) (param $xStride i32) (param $depth i32)
    (param $g i32) (param $gStride i32)
    (local $row i32) (local $output i32) (local $at i32) (local $end i32)
    (local $x0 i32) (local $x1 i32) (local $x2 i32) (local $x3 i32)
    (local $r0 i32) (local $r1 i32) (local $r2 i32) (local $r3 i32) (local $target i32)
    (local.set $rStride (i32.shl (local.get $rStride) (i32.const 3)))
    (local.set $xStride (i32.shl (local.get $xStride) (i32.const 3)))
    (local.set $gStride (i32.shl (local.get $gStride) (i32.const 3)))
    ;; Clear the outputs' first `depth` entries.
    (block $clearDone
      (loop $clear
        (br_if $clearDone (i32.ge_s (local.get $output) (local.get $outputs)))
        (memory.fill
          (i32.add (local.get $g) (i32.mul (local.get $output) (local.get $gStride)))
          (i32.const 0)
          (i32.shl (local.get $depth) (i32.const 3)))
        (local.set $output (i32.add (local.get $output) (i32.const 1)))
        (br $clear)))
    (block $rowsDone
      (loop $blocks
        (br_if $rowsDone (i32.gt_s (i32.add (local.get $row) (i32.const 4)) (local.get $rows)))
        (local.set $x0 (i32.add (local.get $x) (i32.mul (local.get $row) (local.get $xStride))))
        (local.set $x1 (i32.add (local.get $x0) (local.get $xStride)))
        (local.set $x2 (i32.add (local.get $x1) (local.get $xStride)))
        (local.set $x3 (i32.add (local.get $x2) (local.get $xStride)))
        (local.set $r0 (i32.add (local.get $r) (i32.mul (local.get $row) (local.get $rStride))))
        (local.set $r1 (i32.add (local.get $r0) (local.get $rStride)))
        (local.set $r2 (i32.add (local.get $r1) (local.get $rStride)))
        (local.set $r3 (i32.add (local.get $r2) (local.get $rStride)))
        (local.set $output (i32.const 0))
        (local.set $target (local.get $g))
        (block $outputsDone
          (loop $each
            (br_if $outputsDone (i32.ge_s (local.get $output) (local.get $outputs)))
            (local.set $at (i32.shl (local.get $output) (i32.const 3)))
            (call $axpy4 (local.get $target) (local.get $depth)
              (local.get $x0) (local.get $x1) (local.get $x2) (local.get $x3)
              (f64.load (i32.add (local.get $r0) (local.get $at)))
              (f64.load (i32.add (local.get $r1) (local.get $at)))
              (f64.load (i32.add (local.get $r2) (local.get $at)))
              (f64.load (i32.add (local.get $r3) (local.get $at))))
            (local.set $target (i32.add (local.get $target) (local.get $gStride)))
            (local.set $output (i32.add (local.get $output) (i32.const 1)))
            (br $each)))
        (local.set $row (i32.add (local.get $row) (i32.const 4)))
        (br $blocks)))
    ;; The last rows mod 4 rows, one at a time (the other three terms are zero).
    (block $restDone
      (loop $rest
        (br_if $restDone (i32.ge_s (local.get $row) (local.get $rows)))
        (local.set $x0 (i32.add (local.get $x) (i32.mul (local.get $row) (local.get $xStride))))
        (local.set $r0 (i32.add (local.get $r) (i32.mul (local.get $row) (local.get $rStride))))
        (local.set $output (i32.const 0))
        (local.set $target (local.get $g))
        (block $singleDone
          (loop $single
            (br_if $singleDone (i32.ge_s (local.get $output) (local.get $outputs)))
            (call $axpy4 (local.get $target) (local.get $depth)
              (local.get $x0) (local.get $x0) (local.get $x0) (local.get $x0)
              (f64.load (i32.add (local.get $r0) (i32.shl (local.get $output) (i32.const 3))))
              (f64.const 0) (f64.const 0) (f64.const 0))
            (local.set $target (i32.add (local.get $target) (local.get $gStride)))
            (local.set $output (i32.add (local.get $output) (i32.const 1)))
            (br $single)))
        (local.set $row (i32.add (local.get $row) (i32.const 1)))
        (br $rest))))

  ;; e^x in both lanes for x ≤ 0, to about 1 ulp: x = k·ln 2 + r with |r| ≤ ln 2 / 2 (Cody–Waite: ln 2 split in a
  ;; high part exact in 32 bits and the rest), e^r by its Taylor series to r¹² (the next term is below 2e-16 of the
  ;; result), times 2^k built in the exponent bits. Below −708, where 2^k leaves the normal range, the result is
  ;; e^−708 ≈ 3e-308 instead of a smaller number, which is nothing next to the row's largest term (1).
  (func $exp (param $x v128) (result v128)
    (local $k v128) (local $r v128) (local $p v128)
    (local.set $x (f64x2.pmax (local.get $x) (v128.const f64x2 -708 -708)))
    (local.set $k (f64x2.nearest (f64x2.mul (local.get $x) (v128.const f64x2 1.4426950408889634 1.4426950408889634))))
    (local.set $r
      (f64x2.sub
        (f64x2.sub (local.get $x) (f64x2.mul (local.get $k) (v128.const f64x2 0.6931471803691238 0.6931471803691238)))
        (f64x2.mul (local.get $k) (v128.const f64x2 1.9082149292705877e-10 1.9082149292705877e-10))))
    (local.set $p (v128.const f64x2 2.08767569878681e-9 2.08767569878681e-9))
    (local.set $p (f64x2.add (f64x2.mul (local.get $p) (local.get $r)) (v128.const f64x2 2.505210838544172e-8 2.505210838544172e-8)))
    (local.set $p (f64x2.add (f64x2.mul (local.get $p) (local.get $r)) (v128.const f64x2 2.755731922398589e-7 2.755731922398589e-7)))
    (local.set $p (f64x2.add (f64x2.mul (local.get $p) (local.get $r)) (v128.const f64x2 2.7557319223985893e-6 2.7557319223985893e-6)))
    (local.set $p (f64x2.add (f64x2.mul (local.get $p) (local.get $r)) (v128.const f64x2 2.48015873015873e-5 2.48015873015873e-5)))
    (local.set $p (f64x2.add (f64x2.mul (local.get $p) (local.get $r)) (v128.const f64x2 1.984126984126984e-4 1.984126984126984e-4)))
    (local.set $p (f64x2.add (f64x2.mul (local.get $p) (local.get $r)) (v128.const f64x2 1.388888888888889e-3 1.388888888888889e-3)))
    (local.set $p (f64x2.add (f64x2.mul (local.get $p) (local.get $r)) (v128.const f64x2 8.333333333333333e-3 8.333333333333333e-3)))
    (local.set $p (f64x2.add (f64x2.mul (local.get $p) (local.get $r)) (v128.const f64x2 4.1666666666666664e-2 4.1666666666666664e-2)))
    (local.set $p (f64x2.add (f64x2.mul (local.get $p) (local.get $r)) (v128.const f64x2 0.16666666666666666 0.16666666666666666)))
    (local.set $p (f64x2.add (f64x2.mul (local.get $p) (local.get $r)) (v128.const f64x2 0.5 0.5)))
    (local.set $p (f64x2.add (f64x2.mul (local.get $p) (local.get $r)) (v128.const f64x2 1 1)))
    (local.set $p (f64x2.add (f64x2.mul (local.get $p) (local.get $r)) (v128.const f64x2 1 1)))
    (f64x2.mul
      (local.get $p)
      (i64x2.shl
        (i64x2.add
          (i64x2.extend_low_i32x4_s (i32x4.trunc_sat_f64x2_s_zero (local.get $k)))
          (v128.const i64x2 1023 1023))
        (i32.const 52))))

  ;; The softmax link of `rows` rows of `outputs` scores at s (stride `outputs`), in place. For row i with class
  ;; t = targets[i] (an f64) and weight w = weights[i]: z = s + bias (bias[k] at bias + k·biasStride values), then
  ;; s = w·(softmax(z) − [k = t]), the row's weighted gradient with respect to z. Writes aux[2i] = Σ e^(z − max) and
  ;; aux[2i + 1] = max − z_t, so the caller adds the row's loss w·(log aux[2i] + aux[2i + 1]) (no logarithm here),
  ;; and sums[k] = Σ_i s[i·outputs + k], the intercepts' gradient.
  (func (export "softmaxRows")
    (param $s i32) (param $rows i32) (param $outputs i32) (param $bias i32) (param $biasStride i32)
    (param $targets i32) (param $weights i32) (param $aux i32) (param $sums i32)
    (local $row i32) (local $output i32) (local $at i32) (local $pairBytes i32) (local $rowBytes i32)
    (local $largest f64) (local $value f64) (local $weight f64) (local $target i32)
    (local $total v128) (local $sum f64) (local $scale v128) (local $shift v128) (local $exponent v128)
    (local.set $biasStride (i32.shl (local.get $biasStride) (i32.const 3)))
    (local.set $rowBytes (i32.shl (local.get $outputs) (i32.const 3)))
    (local.set $pairBytes (i32.shl (i32.and (local.get $outputs) (i32.const -2)) (i32.const 3)))
    (memory.fill (local.get $sums) (i32.const 0) (local.get $rowBytes))
    (block $rowsDone
      (loop $each
        (br_if $rowsDone (i32.ge_s (local.get $row) (local.get $rows)))
        ;; Add the intercepts and find the largest score.
        (local.set $largest (f64.const -inf))
        (local.set $output (i32.const 0))
        (block $biasDone
          (loop $biased
            (br_if $biasDone (i32.ge_s (local.get $output) (local.get $outputs)))
            (local.set $at (i32.add (local.get $s) (i32.shl (local.get $output) (i32.const 3))))
            (local.set $value
              (f64.add
                (f64.load (local.get $at))
                (f64.load (i32.add (local.get $bias) (i32.mul (local.get $output) (local.get $biasStride))))))
            (f64.store (local.get $at) (local.get $value))
            (local.set $largest (f64.max (local.get $largest) (local.get $value)))
            (local.set $output (i32.add (local.get $output) (i32.const 1)))
            (br $biased)))
        (local.set $target (i32.trunc_f64_s (f64.load (i32.add (local.get $targets) (i32.shl (local.get $row) (i32.const 3))))))
        (local.set $weight (f64.load (i32.add (local.get $weights) (i32.shl (local.get $row) (i32.const 3)))))
        (f64.store offset=8
          (i32.add (local.get $aux) (i32.shl (local.get $row) (i32.const 4)))
          (f64.sub (local.get $largest) (f64.load (i32.add (local.get $s) (i32.shl (local.get $target) (i32.const 3))))))
        ;; Exponentials, two at a time, and their total.
        (local.set $shift (f64x2.splat (local.get $largest)))
        (local.set $total (v128.const i64x2 0 0))
        (local.set $at (i32.const 0))
        (block $expDone
          (loop $exps
            (br_if $expDone (i32.ge_u (local.get $at) (local.get $pairBytes)))
            (local.set $exponent
              (call $exp (f64x2.sub (v128.load (i32.add (local.get $s) (local.get $at))) (local.get $shift))))
            (v128.store (i32.add (local.get $s) (local.get $at)) (local.get $exponent))
            (local.set $total (f64x2.add (local.get $total) (local.get $exponent)))
            (local.set $at (i32.add (local.get $at) (i32.const 16)))
            (br $exps)))
        (local.set $sum (f64.add (f64x2.extract_lane 0 (local.get $total)) (f64x2.extract_lane 1 (local.get $total))))
        (if (i32.and (local.get $outputs) (i32.const 1))
          (then
            (local.set $value
              (f64x2.extract_lane 0
                (call $exp
                  (f64x2.splat (f64.sub (f64.load (i32.add (local.get $s) (local.get $at))) (local.get $largest))))))
            (f64.store (i32.add (local.get $s) (local.get $at)) (local.get $value))
            (local.set $sum (f64.add (local.get $sum) (local.get $value)))))
        (f64.store (i32.add (local.get $aux) (i32.shl (local.get $row) (i32.const 4))) (local.get $sum))
        ;; Weighted probabilities minus the weighted indicator of the row's class, added to the column sums.
        (local.set $value (f64.div (local.get $weight) (local.get $sum)))
        (local.set $output (i32.const 0))
        (block $scaleDone
          (loop $scaled
            (br_if $scaleDone (i32.ge_s (local.get $output) (local.get $outputs)))
            (local.set $at (i32.add (local.get $s) (i32.shl (local.get $output) (i32.const 3))))
            (f64.store (local.get $at)
              (select
                (f64.sub (f64.mul (local.get $value) (f64.load (local.get $at))) (local.get $weight))
                (f64.mul (local.get $value) (f64.load (local.get $at)))
                (i32.eq (local.get $output) (local.get $target))))
            (local.set $at (i32.add (local.get $sums) (i32.shl (local.get $output) (i32.const 3))))
            (f64.store (local.get $at)
              (f64.add
                (f64.load (local.get $at))
                (f64.load (i32.add (local.get $s) (i32.shl (local.get $output) (i32.const 3))))))
            (local.set $output (i32.add (local.get $output) (i32.const 1)))
            (br $scaled)))
        (local.set $s (i32.add (local.get $s) (local.get $rowBytes)))
        (local.set $row (i32.add (local.get $row) (i32.const 1)))
        (br $each))))

  ;; Σ a[f]·b[f] for f < length (a vector dot product): four pairs of lanes at a time, in four independent sums so
  ;; the additions do not wait on each other; the last length mod 8 values through $dot.
  (func (export "dot") (param $a i32) (param $b i32) (param $length i32) (result f64)
    (local $end i32) (local $s0 v128) (local $s1 v128) (local $s2 v128) (local $s3 v128)
    (local.set $end (i32.add (local.get $a) (i32.shl (i32.and (local.get $length) (i32.const -8)) (i32.const 3))))
    (block $done
      (loop $octets
        (br_if $done (i32.ge_u (local.get $a) (local.get $end)))
        (local.set $s0 (f64x2.add (local.get $s0) (f64x2.mul (v128.load (local.get $a)) (v128.load (local.get $b)))))
        (local.set $s1
          (f64x2.add (local.get $s1) (f64x2.mul (v128.load offset=16 (local.get $a)) (v128.load offset=16 (local.get $b)))))
        (local.set $s2
          (f64x2.add (local.get $s2) (f64x2.mul (v128.load offset=32 (local.get $a)) (v128.load offset=32 (local.get $b)))))
        (local.set $s3
          (f64x2.add (local.get $s3) (f64x2.mul (v128.load offset=48 (local.get $a)) (v128.load offset=48 (local.get $b)))))
        (local.set $a (i32.add (local.get $a) (i32.const 64)))
        (local.set $b (i32.add (local.get $b) (i32.const 64)))
        (br $octets)))
    (local.set $s0 (f64x2.add (f64x2.add (local.get $s0) (local.get $s1)) (f64x2.add (local.get $s2) (local.get $s3))))
    (f64.add
      (f64.add (f64x2.extract_lane 0 (local.get $s0)) (f64x2.extract_lane 1 (local.get $s0)))
      (call $dot (local.get $a) (local.get $b) (i32.and (local.get $length) (i32.const 7)))))

  ;; y[f] += alpha·x[f] for f < length.
  (func (export "axpy") (param $y i32) (param $alpha f64) (param $x i32) (param $length i32)
    (local $end i32) (local $scale v128)
    (local.set $scale (f64x2.splat (local.get $alpha)))
    (local.set $end (i32.add (local.get $y) (i32.shl (i32.and (local.get $length) (i32.const -2)) (i32.const 3))))
    (block $done
      (loop $pairs
        (br_if $done (i32.ge_u (local.get $y) (local.get $end)))
        (v128.store (local.get $y)
          (f64x2.add (v128.load (local.get $y)) (f64x2.mul (local.get $scale) (v128.load (local.get $x)))))
        (local.set $y (i32.add (local.get $y) (i32.const 16)))
        (local.set $x (i32.add (local.get $x) (i32.const 16)))
        (br $pairs)))
    (if (i32.and (local.get $length) (i32.const 1))
      (then
        (f64.store (local.get $y)
          (f64.add (f64.load (local.get $y)) (f64.mul (local.get $alpha) (f64.load (local.get $x))))))))

  ;; out[l·depth + f] += x[i·depth + f] for every row i < rows with l = labels[i] ≥ 0 (an f64), f < depth: rows
  ;; added into their cluster's sum. Each entry receives its additions in row order, so the sums are bit-for-bit
  ;; those of the plain loop.
  (func (export "accumulateRows")
    (param $x i32) (param $rows i32) (param $depth i32) (param $labels i32) (param $out i32)
    (local $row i32) (local $label i32) (local $target i32) (local $at i32) (local $pairBytes i32) (local $rowBytes i32)
    (local.set $rowBytes (i32.shl (local.get $depth) (i32.const 3)))
    (local.set $pairBytes (i32.shl (i32.and (local.get $depth) (i32.const -2)) (i32.const 3)))
    (block $rowsDone
      (loop $each
        (br_if $rowsDone (i32.ge_s (local.get $row) (local.get $rows)))
        (local.set $label
          (i32.trunc_f64_s (f64.load (i32.add (local.get $labels) (i32.shl (local.get $row) (i32.const 3))))))
        (if (i32.ge_s (local.get $label) (i32.const 0))
          (then
            (local.set $target (i32.add (local.get $out) (i32.mul (local.get $label) (local.get $rowBytes))))
            (local.set $at (i32.const 0))
            (block $done
              (loop $pairs
                (br_if $done (i32.ge_u (local.get $at) (local.get $pairBytes)))
                (v128.store (i32.add (local.get $target) (local.get $at))
                  (f64x2.add
                    (v128.load (i32.add (local.get $target) (local.get $at)))
                    (v128.load (i32.add (local.get $x) (local.get $at)))))
                (local.set $at (i32.add (local.get $at) (i32.const 16)))
                (br $pairs)))
            (if (i32.and (local.get $depth) (i32.const 1))
              (then
                (f64.store (i32.add (local.get $target) (local.get $at))
                  (f64.add
                    (f64.load (i32.add (local.get $target) (local.get $at)))
                    (f64.load (i32.add (local.get $x) (local.get $at)))))))))
        (local.set $x (i32.add (local.get $x) (local.get $rowBytes)))
        (local.set $row (i32.add (local.get $row) (i32.const 1)))
        (br $each))))

  ;; ---- k-means seeding and silhouette: exact scalar twins of the JavaScript loops they replace -----------------
  ;; These two kernels do no SIMD reassociation: every value is computed with the same operations in the same order
  ;; as the JavaScript twins in `dense-kernels.ts`, so the results are bit-for-bit the same on both paths.

  ;; Σ (a[f] − b[f])² for f < length as four running sums (f mod 4) added as (s0 + s1) + (s2 + s3), the tail of a
  ;; length that is not a multiple of 4 going into s0: the order of the clustering's `squaredDistance`.
  (func $squaredDistance4 (param $a i32) (param $b i32) (param $length i32) (result f64)
    (local $end i32) (local $low v128) (local $high v128) (local $difference v128) (local $tail f64)
    (local $last f64)
    (local.set $end (i32.add (local.get $a) (i32.shl (i32.and (local.get $length) (i32.const -4)) (i32.const 3))))
    (block $done
      (loop $quads
        (br_if $done (i32.ge_u (local.get $a) (local.get $end)))
        (local.set $difference (f64x2.sub (v128.load (local.get $a)) (v128.load (local.get $b))))
        (local.set $low (f64x2.add (local.get $low) (f64x2.mul (local.get $difference) (local.get $difference))))
        (local.set $difference
          (f64x2.sub (v128.load offset=16 (local.get $a)) (v128.load offset=16 (local.get $b))))
        (local.set $high (f64x2.add (local.get $high) (f64x2.mul (local.get $difference) (local.get $difference))))
        (local.set $a (i32.add (local.get $a) (i32.const 32)))
        (local.set $b (i32.add (local.get $b) (i32.const 32)))
        (br $quads)))
    (local.set $tail (f64x2.extract_lane 0 (local.get $low)))
    (local.set $length (i32.and (local.get $length) (i32.const 3)))
    (block $tailDone
      (loop $rest
        (br_if $tailDone (i32.eqz (local.get $length)))
        (local.set $last (f64.sub (f64.load (local.get $a)) (f64.load (local.get $b))))
        (local.set $tail (f64.add (local.get $tail) (f64.mul (local.get $last) (local.get $last))))
        (local.set $a (i32.add (local.get $a) (i32.const 8)))
        (local.set $b (i32.add (local.get $b) (i32.const 8)))
        (local.set $length (i32.sub (local.get $length) (i32.const 1)))
        (br $rest)))
    (f64.add
      (f64.add (local.get $tail) (f64x2.extract_lane 1 (local.get $low)))
      (f64.add (f64x2.extract_lane 0 (local.get $high)) (f64x2.extract_lane 1 (local.get $high)))))

  ;; Σ (a[f] − b[f])² for f < length, one running sum in order.
  (func $squaredDifference (param $a i32) (param $b i32) (param $length i32) (result f64)
    (local $total f64) (local $difference f64)
    (block $done
      (loop $each
        (br_if $done (i32.eqz (local.get $length)))
        (local.set $difference (f64.sub (f64.load (local.get $a)) (f64.load (local.get $b))))
        (local.set $total (f64.add (local.get $total) (f64.mul (local.get $difference) (local.get $difference))))
        (local.set $a (i32.add (local.get $a) (i32.const 8)))
        (local.set $b (i32.add (local.get $b) (i32.const 8)))
        (local.set $length (i32.sub (local.get $length) (i32.const 1)))
        (br $each)))
    (local.get $total))

  ;; One greedy k-means++ step's candidates against every point. For trial t < trials with candidate row
  ;; c = candidates[t] (an f64) and row i < rows: d = norms[i] + norms[c] − 2·products[i·trials + t], replaced by
  ;; the summed squared differences of points i and c (rows of `dimension` values at `points`) when it is below
  ;; 1e-2·(norms[i] + norms[c]); kept[t·rows + i] = min(d, closest[i]) and potentials[t] = Σ_i kept[t·rows + i].
  (func (export "seedingCandidates")
    (param $products i32) (param $trials i32) (param $rows i32) (param $points i32) (param $dimension i32)
    (param $norms i32) (param $candidates i32) (param $closest i32) (param $kept i32) (param $potentials i32)
    (local $trial i32) (local $row i32) (local $candidate i32) (local $candidateNorm f64) (local $both f64)
    (local $squared f64) (local $smaller f64) (local $potential f64) (local $rowBytes i32) (local $out i32)
    (local.set $rowBytes (i32.shl (local.get $dimension) (i32.const 3)))
    (block $trialsDone
      (loop $trialLoop
        (br_if $trialsDone (i32.ge_s (local.get $trial) (local.get $trials)))
        (local.set $candidate
          (i32.trunc_f64_s (f64.load (i32.add (local.get $candidates) (i32.shl (local.get $trial) (i32.const 3))))))
        (local.set $candidateNorm
          (f64.load (i32.add (local.get $norms) (i32.shl (local.get $candidate) (i32.const 3)))))
        (local.set $out
          (i32.add (local.get $kept) (i32.shl (i32.mul (local.get $trial) (local.get $rows)) (i32.const 3))))
        (local.set $potential (f64.const 0))
        (local.set $row (i32.const 0))
        (block $rowsDone
          (loop $rowLoop
            (br_if $rowsDone (i32.ge_s (local.get $row) (local.get $rows)))
            (local.set $both
              (f64.add
                (f64.load (i32.add (local.get $norms) (i32.shl (local.get $row) (i32.const 3))))
                (local.get $candidateNorm)))
            (local.set $squared
              (f64.sub
                (local.get $both)
                (f64.mul
                  (f64.const 2)
                  (f64.load
                    (i32.add
                      (local.get $products)
                      (i32.shl
                        (i32.add (i32.mul (local.get $row) (local.get $trials)) (local.get $trial))
                        (i32.const 3)))))))
            (if (f64.lt (local.get $squared) (f64.mul (f64.const 1e-2) (local.get $both)))
              (then
                (local.set $squared
                  (call $squaredDistance4
                    (i32.add (local.get $points) (i32.mul (local.get $row) (local.get $rowBytes)))
                    (i32.add (local.get $points) (i32.mul (local.get $candidate) (local.get $rowBytes)))
                    (local.get $dimension)))))
            (local.set $smaller
              (f64.min
                (local.get $squared)
                (f64.load (i32.add (local.get $closest) (i32.shl (local.get $row) (i32.const 3))))))
            (f64.store (i32.add (local.get $out) (i32.shl (local.get $row) (i32.const 3))) (local.get $smaller))
            (local.set $potential (f64.add (local.get $potential) (local.get $smaller)))
            (local.set $row (i32.add (local.get $row) (i32.const 1)))
            (br $rowLoop)))
        (f64.store
          (i32.add (local.get $potentials) (i32.shl (local.get $trial) (i32.const 3)))
          (local.get $potential))
        (local.set $trial (i32.add (local.get $trial) (i32.const 1)))
        (br $trialLoop))))

  ;; The silhouette's distance sums for the rows start ≤ row < start + rows against every later row (< count).
  ;; products[(row − start)·(count − start) + (other − start)] holds x_row·x_other; the distance is
  ;; √(norms[row] + norms[other] − 2·product), or √ of the summed squared differences of the two points (rows of
  ;; `dimension` values at `points`) where that difference is below 1e-2·(norms[row] + norms[other]). With
  ;; l = labels[·] (f64s) and K = clusterCount: sums[other·K + l_row] += distance, and the distances of consecutive
  ;; partners in one cluster are added up first, then into sums[row·K + l_other].
  (func (export "silhouettePairs")
    (param $products i32) (param $start i32) (param $rows i32) (param $count i32) (param $points i32)
    (param $dimension i32) (param $norms i32) (param $labels i32) (param $sums i32) (param $clusterCount i32)
    (local $offset i32) (local $row i32) (local $other i32) (local $width i32) (local $base i32)
    (local $rowBytes i32) (local $norm f64) (local $own i32) (local $rowSum f64) (local $rowCluster i32)
    (local $both f64) (local $squared f64) (local $distance f64) (local $cluster i32) (local $at i32)
    (local.set $width (i32.sub (local.get $count) (local.get $start)))
    (local.set $rowBytes (i32.shl (local.get $dimension) (i32.const 3)))
    (block $rowsDone
      (loop $rowLoop
        (br_if $rowsDone (i32.ge_s (local.get $offset) (local.get $rows)))
        (local.set $row (i32.add (local.get $start) (local.get $offset)))
        (local.set $norm (f64.load (i32.add (local.get $norms) (i32.shl (local.get $row) (i32.const 3)))))
        (local.set $own
          (i32.trunc_f64_s (f64.load (i32.add (local.get $labels) (i32.shl (local.get $row) (i32.const 3))))))
        ;; The product of (row, other) is at base + other·8.
        (local.set $base
          (i32.add
            (local.get $products)
            (i32.shl
              (i32.sub (i32.mul (local.get $offset) (local.get $width)) (local.get $start))
              (i32.const 3))))
        (local.set $rowSum (f64.const 0))
        (local.set $rowCluster (i32.const -1))
        (local.set $other (i32.add (local.get $row) (i32.const 1)))
        (block $othersDone
          (loop $otherLoop
            (br_if $othersDone (i32.ge_s (local.get $other) (local.get $count)))
            (local.set $both
              (f64.add
                (local.get $norm)
                (f64.load (i32.add (local.get $norms) (i32.shl (local.get $other) (i32.const 3))))))
            (local.set $squared
              (f64.sub
                (local.get $both)
                (f64.mul
                  (f64.const 2)
                  (f64.load (i32.add (local.get $base) (i32.shl (local.get $other) (i32.const 3)))))))
            (if (f64.lt (local.get $squared) (f64.mul (f64.const 1e-2) (local.get $both)))
              (then
                (local.set $squared
                  (call $squaredDifference
                    (i32.add (local.get $points) (i32.mul (local.get $row) (local.get $rowBytes)))
                    (i32.add (local.get $points) (i32.mul (local.get $other) (local.get $rowBytes)))
                    (local.get $dimension)))))
            (local.set $distance (f64.sqrt (local.get $squared)))
            (local.set $cluster
              (i32.trunc_f64_s (f64.load (i32.add (local.get $labels) (i32.shl (local.get $other) (i32.const 3))))))
            (if (i32.ne (local.get $cluster) (local.get $rowCluster))
              (then
                (if (i32.ge_s (local.get $rowCluster) (i32.const 0))
                  (then
                    (local.set $at
                      (i32.add
                        (local.get $sums)
                        (i32.shl
                          (i32.add (i32.mul (local.get $row) (local.get $clusterCount)) (local.get $rowCluster))
                          (i32.const 3))))
                    (f64.store (local.get $at) (f64.add (f64.load (local.get $at)) (local.get $rowSum)))))
                (local.set $rowCluster (local.get $cluster))
                (local.set $rowSum (f64.const 0))))
            (local.set $rowSum (f64.add (local.get $rowSum) (local.get $distance)))
            (local.set $at
              (i32.add
                (local.get $sums)
                (i32.shl
                  (i32.add (i32.mul (local.get $other) (local.get $clusterCount)) (local.get $own))
                  (i32.const 3))))
            (f64.store (local.get $at) (f64.add (f64.load (local.get $at)) (local.get $distance)))
            (local.set $other (i32.add (local.get $other) (i32.const 1)))
            (br $otherLoop)))
        (if (i32.ge_s (local.get $rowCluster) (i32.const 0))
          (then
            (local.set $at
              (i32.add
                (local.get $sums)
                (i32.shl
                  (i32.add (i32.mul (local.get $row) (local.get $clusterCount)) (local.get $rowCluster))
                  (i32.const 3))))
            (f64.store (local.get $at) (f64.add (f64.load (local.get $at)) (local.get $rowSum)))))
        (local.set $offset (i32.add (local.get $offset) (i32.const 1)))
        (br $rowLoop))))

  ;; out[j·depth + f] = x[r·depth + f] with r = indices[j] (an f64), for j < count and f < depth: rows gathered
  ;; into a contiguous block (a copy, so the same bits on both paths).
  (func (export "gatherRows")
    (param $x i32) (param $depth i32) (param $indices i32) (param $count i32) (param $out i32)
    (local $index i32) (local $source i32) (local $at i32) (local $rowBytes i32) (local $pairBytes i32)
    (local.set $rowBytes (i32.shl (local.get $depth) (i32.const 3)))
    (local.set $pairBytes (i32.shl (i32.and (local.get $depth) (i32.const -2)) (i32.const 3)))
    (block $rowsDone
      (loop $each
        (br_if $rowsDone (i32.ge_s (local.get $index) (local.get $count)))
        (local.set $source
          (i32.add
            (local.get $x)
            (i32.mul
              (i32.trunc_f64_s (f64.load (i32.add (local.get $indices) (i32.shl (local.get $index) (i32.const 3)))))
              (local.get $rowBytes))))
        (local.set $at (i32.const 0))
        (block $done
          (loop $pairs
            (br_if $done (i32.ge_u (local.get $at) (local.get $pairBytes)))
            (v128.store (i32.add (local.get $out) (local.get $at)) (v128.load (i32.add (local.get $source) (local.get $at))))
            (local.set $at (i32.add (local.get $at) (i32.const 16)))
            (br $pairs)))
        (if (i32.and (local.get $depth) (i32.const 1))
          (then
            (f64.store (i32.add (local.get $out) (local.get $at)) (f64.load (i32.add (local.get $source) (local.get $at))))))
        (local.set $out (i32.add (local.get $out) (local.get $rowBytes)))
        (local.set $index (i32.add (local.get $index) (i32.const 1)))
        (br $each))))

  ;; For each row i < rows of products (stride clusterCount): v_c = centreNorms[c] − 2·products[i·K + c]; writes
  ;; out[3i] = the first c with the smallest v_c (an f64), out[3i + 1] = that smallest v and out[3i + 2] = the
  ;; second smallest (+inf when K = 1), scanning c upwards with strict comparisons as the JavaScript twin does.
  (func (export "rankCentres")
    (param $products i32) (param $rows i32) (param $clusterCount i32) (param $centreNorms i32) (param $out i32)
    (local $row i32) (local $cluster i32) (local $best i32) (local $bestValue f64) (local $second f64)
    (local $value f64)
    (block $rowsDone
      (loop $each
        (br_if $rowsDone (i32.ge_s (local.get $row) (local.get $rows)))
        (local.set $best (i32.const 0))
        (local.set $bestValue (f64.const inf))
        (local.set $second (f64.const inf))
        (local.set $cluster (i32.const 0))
        (block $clustersDone
          (loop $clusters
            (br_if $clustersDone (i32.ge_s (local.get $cluster) (local.get $clusterCount)))
            (local.set $value
              (f64.sub
                (f64.load (i32.add (local.get $centreNorms) (i32.shl (local.get $cluster) (i32.const 3))))
                (f64.mul (f64.const 2) (f64.load (local.get $products)))))
            (if (f64.lt (local.get $value) (local.get $bestValue))
              (then
                (local.set $second (local.get $bestValue))
                (local.set $bestValue (local.get $value))
                (local.set $best (local.get $cluster)))
              (else
                (if (f64.lt (local.get $value) (local.get $second))
                  (then (local.set $second (local.get $value))))))
            (local.set $products (i32.add (local.get $products) (i32.const 8)))
            (local.set $cluster (i32.add (local.get $cluster) (i32.const 1)))
            (br $clusters)))
        (f64.store (local.get $out) (f64.convert_i32_s (local.get $best)))
        (f64.store offset=8 (local.get $out) (local.get $bestValue))
        (f64.store offset=16 (local.get $out) (local.get $second))
        (local.set $out (i32.add (local.get $out) (i32.const 24)))
        (local.set $row (i32.add (local.get $row) (i32.const 1)))
        (br $each))))
)
