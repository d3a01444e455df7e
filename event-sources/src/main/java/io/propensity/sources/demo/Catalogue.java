package io.propensity.sources.demo;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** The simulated shop's products: categories with popularity, items with lognormal prices. */
final class Catalogue {
  private static final List<String> NAMES =
      List.of(
          "electronics",
          "smartphones",
          "fashion_women",
          "fashion_men",
          "shoes",
          "home",
          "kitchen",
          "beauty",
          "books",
          "toys",
          "sports",
          "garden",
          "furniture",
          "audio",
          "computers",
          "health",
          "baby",
          "pets",
          "grocery",
          "jewelry",
          "office",
          "automotive",
          "video_games",
          "tools",
          "outdoor",
          "music",
          "cameras",
          "bags",
          "crafts",
          "party");

  final String[] categoryNames;
  final String[] categoryPages;

  /** Cumulative popularity of the categories, for sampling. */
  final double[] categoryCdf;

  final int[][] itemsByCategory;
  final int[] itemCategory;
  final double[] itemPrice;
  final String[] itemIds;
  final String[] itemPages;

  Catalogue(long seed, int size, int categories) {
    SplittableRandom rng = new SplittableRandom(seed);
    categoryNames = new String[categories];
    categoryPages = new String[categories];
    double[] weight = new double[categories];
    double[] medianPrice = new double[categories];
    double total = 0;
    for (int c = 0; c < categories; c++) {
      categoryNames[c] = c < NAMES.size() ? NAMES.get(c) : "category_" + (c + 1);
      categoryPages[c] = "/category/" + categoryNames[c];
      weight[c] = 1.0 / Math.pow(c + 1, 0.8); // Zipf-like: a few categories draw most traffic
      total += weight[c];
      medianPrice[c] = Math.exp(Math.log(35) + 0.9 * Rand.gaussian(rng));
    }
    categoryCdf = new double[categories];
    double acc = 0;
    for (int c = 0; c < categories; c++) {
      acc += weight[c] / total;
      categoryCdf[c] = acc;
    }
    categoryCdf[categories - 1] = 1.0;

    itemCategory = new int[size];
    itemPrice = new double[size];
    itemIds = new String[size];
    itemPages = new String[size];
    List<List<Integer>> byCategory = new ArrayList<>();
    for (int c = 0; c < categories; c++) {
      byCategory.add(new ArrayList<>());
    }
    for (int i = 0; i < size; i++) {
      // every category gets at least one item; the rest follow category popularity
      int c = i < categories ? i : Rand.pick(rng, categoryCdf);
      itemCategory[i] = c;
      double p = medianPrice[c] * Math.exp(0.6 * Rand.gaussian(rng));
      itemPrice[i] = Math.max(0.99, Math.floor(p) + 0.99);
      itemIds[i] = Integer.toString(1000 + i);
      itemPages[i] = "/product/" + itemIds[i];
      byCategory.get(c).add(i);
    }
    itemsByCategory = new int[categories][];
    for (int c = 0; c < categories; c++) {
      itemsByCategory[c] = byCategory.get(c).stream().mapToInt(Integer::intValue).toArray();
    }
  }

  int categories() {
    return categoryNames.length;
  }

  /** A popular-first item of a category: the first items of each category are the bestsellers. */
  int itemIn(int category, SplittableRandom rng) {
    int[] items = itemsByCategory[category];
    double u = rng.nextDouble();
    return items[(int) (items.length * u * u * u)];
  }
}
