"""Exchange between social tenants (bourse d'échange): offers, matching, the landlords' answers, the commission."""
