package mining

func (m *miner) metrics(p *Package, inBirthright []bool) {
	mt := &p.Metrics
	mt.Members = len(p.Members)
	mt.Entitlements = len(p.Entitlements)
	for _, e := range p.Entitlements {
		m.mark[e] = true
	}
	var held, explained int
	for _, u := range p.Members {
		row := m.d.Row(int(u))
		have := 0
		for _, e := range row {
			if m.mark[e] {
				have++
				explained++
			} else if inBirthright[e] {
				explained++
			}
		}
		held += len(row)
		if missing := len(p.Entitlements) - have; missing > 0 {
			mt.MembersGaining++
			mt.GrantsAdded += missing
		}
	}
	for _, e := range p.Entitlements {
		m.mark[e] = false
	}
	if held > 0 {
		mt.Coverage = float64(explained) / float64(held)
	}
	mt.MinPrevalence = 1
	sum := 0.0
	for _, v := range p.Prevalence {
		sum += v
		mt.MinPrevalence = min(mt.MinPrevalence, v)
	}
	if len(p.Prevalence) > 0 {
		mt.MeanPrevalence = sum / float64(len(p.Prevalence))
	} else {
		mt.MinPrevalence = 0
	}
}
