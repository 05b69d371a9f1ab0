-- DBeaver 24.2 (org.jkiss.dbeaver.ext.postgresql, transcribed from source; pgjdbc sends each ? as $n): properties of sales.stores, rules (PostgreTableReal.RuleCache)
SELECT r.oid,r.*, pg_get_ruledef(r.oid) AS definition
FROM pg_rewrite r
WHERE r.ev_class=16387 AND r.rulename <> '_RETURN'::name
