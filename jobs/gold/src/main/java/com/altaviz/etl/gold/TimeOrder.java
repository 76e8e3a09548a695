package com.altaviz.etl.gold;

/** A stable merge sort of row indices by their timestamps, on primitive arrays (no boxing). */
final class TimeOrder {
  private static final int INSERTION_LIMIT = 32;

  private TimeOrder() {}

  /** Sorts {@code idx[from, to)} so that {@code ts[idx[i]]} is non-decreasing. */
  static void sort(int[] idx, int from, int to, long[] ts, int[] tmp) {
    if (to - from <= INSERTION_LIMIT) {
      insertion(idx, from, to, ts);
      return;
    }
    int mid = (from + to) >>> 1;
    sort(idx, from, mid, ts, tmp);
    sort(idx, mid, to, ts, tmp);
    if (ts[idx[mid - 1]] <= ts[idx[mid]]) {
      return;
    }
    int n = mid - from;
    System.arraycopy(idx, from, tmp, 0, n);
    int i = 0;
    int j = mid;
    int out = from;
    while (i < n && j < to) {
      idx[out++] = ts[idx[j]] < ts[tmp[i]] ? idx[j++] : tmp[i++];
    }
    while (i < n) {
      idx[out++] = tmp[i++];
    }
  }

  private static void insertion(int[] idx, int from, int to, long[] ts) {
    for (int i = from + 1; i < to; i++) {
      int v = idx[i];
      long key = ts[v];
      int j = i - 1;
      while (j >= from && ts[idx[j]] > key) {
        idx[j + 1] = idx[j];
        j--;
      }
      idx[j + 1] = v;
    }
  }
}
