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
  ;; those entries of g. Rows go four at a time, so each entry of g is loaded and stored once per four rows.
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
)
