"""The text heuristics measured on a labelled corpus of realistic force updates (precision and recall floors)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from sheetsync.validation.heuristics import (
    history_markers,
    latest_section,
    near_duplicates,
    pending_phrase,
    truncation_reason,
)

# --- pending language: updates under an "Action Complete"/"BAU" status -----------------------------------
# True: the text says the work is not done yet. False: done, or a description of routine practice.
PENDING: list[tuple[str, bool]] = [
    ("Internal policies and guidance to be reviewed and updated.", True),
    ("BTP are going to complete a problem profile to understand the risk.", True),
    ("We are still waiting on the supplier to put the system changes into effect.", True),
    ("A review needs to take place of the support services we refer victims to.", True),
    ("The force management statement will be reviewed to include stalking once the threat assessment is done.", True),
    ("A training package is being developed for sergeants and inspectors.", True),
    ("The force is unable to monitor referral numbers because of national coverage.", True),
    ("Once the review of support material has taken place, it will be uploaded to the intranet.", True),
    ("The stalking policy is under review and a draft will go to the March board.", True),
    ("Supervisors will be asked to review files before charge.", True),
    ("Awaiting sign-off from the chief officer group before publication.", True),
    ("We will seek to identify a route to obtain support from independent advocates.", True),
    ("The new SVR is in testing and will be implemented by the end of April.", True),
    ("Funding for two ISACs has been requested; the bid is awaiting a decision from the OPCC.", True),
    ("The e-learning has not yet been rolled out to call handlers.", True),
    ("Guidance is planned for publication in the summer.", True),
    ("The screening tool is due to go live in June following the pilot.", True),
    ("The audit has been scoped and is scheduled for Q2.", True),
    ("Niche changes are in the process of being agreed with the national user group.", True),
    ("We will look into adding a stalking flag to the command and control system.", True),
    ("The CPD input is still to be delivered to PIP2 investigators.", True),
    ("Training will be delivered through the next CPD day for all investigators.", True),
    ("Partnership arrangements will be explored with the two local authorities.", True),
    ("The SPOC role has yet to be filled following the vacancy in January.", True),
    ("A decision on dedicated stalking officers cannot be made until the national report is published.", True),
    ("Work is ongoing with the CPS; a joint protocol is currently being drafted.", True),
    ("The problem profile was completed. UPDATE: the control strategy will be refreshed in the new year.", True),
    ("Victim surveys are being considered as part of the wider satisfaction work.", True),
    ("BTP will communicate with Home Office forces to sense check our position.", True),
    ("Currently looking at a process with custody so that risk is highlighted before release.", True),
    ("The action plan was published on 20 November 2024 and the link sent to the NPCC.", False),
    ("Stalking e-learning was made mandatory for all officers and staff in October 2019.", False),
    ("The ViSOR team actively review and support investigating officers with SPO applications. This is BAU.",
     False),
    ("Daily screening of Niche is completed by PPV and the results go to the crime DMM chair.", False),
    ("All stalking crimes are reviewed by the SPOC within 48 hours of being recorded.", False),
    ("The policy was reviewed in January 2025 and will be reviewed annually as part of the normal cycle.", False),
    ("Victims will be referred to the local support service at the point of reporting.", False),
    ("The crime recording team will continue to support the audit programme.", False),
    ("BTP do not have a Police and Crime Commissioner so receive no funds to commission services.", False),
    ("Stalking offences fall into Tier 2 investigations, allocated within the CID department.", False),
    ("A review of the support services took place in February and the directory was updated.", False),
    ("A problem profile was completed in December and circulated to all departments.", False),
    ("The SST has been incorporated into the SVR, which went live on 1 April 2025.", False),
    ("Referral numbers are monitored monthly and reported to the VAWG board.", False),
    ("The force management statement now reflects current and future stalking demand.", False),
    ("We no longer need to wait for the national tool: the local version is live.", False),
    ("BTP are going to complete a problem profile. UPDATE: Problem profile circulated and signed off.", False),
    ("The SPO guidance was rewritten, signed off by the ACC and published on the intranet in March.", False),
    ("Supervisors review every stalking file before charge to make sure victim impact is evidenced.", False),
    ("Officers complete the victim needs assessment at the first contact, recorded on Niche.", False),
    ("Intelligence logs are submitted for every stalking incident.", False),
    ("All stalking offenders are referred into MAPPA where they meet the criteria.", False),
    ("Support is available to victims at all times through the force contact centre.", False),
    # Intentions written as infinitives ("are to be referred", "is due to"): written for issue 16.
    ("All stalking victims are to be referred to the advocacy service from April.", True),
    ("Supervisors are to be briefed on the new SPO guidance at the team meetings.", True),
    ("The SPOC role is due to transfer to the Public Protection Unit in the spring.", True),
    ("The audit is due to report to the VAWG board in July.", True),
    ("The new stalking flag is set to replace the manual search of crime reports.", True),
    ("Call handlers are to receive refresher training on recognising stalking behaviours.", True),
    ("All new investigators are to attend the two-day stalking course.", True),
    ("The pathway is to be extended to the two neighbouring local authorities.", True),
    ("A dedicated stalking caseworker is to be funded from the OPCC grant.", True),
    ("The problem profile is due to finish over the summer and go to the VAWG board.", True),
    ("The aim is to make sure every victim is referred to a specialist service at the first contact.", False),
    ("The role of the SPOC is to review every stalking crime within 48 hours of it being recorded.", False),
    ("Delays to charging decisions were due to the volume of digital evidence; all files are now complete.",
     False),
    ("The drop in referrals was due to a change in recording practice, which has since been corrected.", False),
    ("The force policy states that officers are to record every stalking report as a crime.", False),
    ("The SST is set to high risk automatically when the victim answers yes to three questions.", False),
    ("Our purpose is to keep victims safe, and every case now has a safety plan agreed with the victim.", False),
    ("Stalking awareness is due to the training delivered last year, which every officer completed.", False),
]

# --- truncated text: cut off by copying or exporting ------------------------------------------------------
TRUNCATED: list[tuple[str, bool]] = [
    ("BTP have recently allocated a stalking SPOC to review all stalking crimes. The IRT team will also assist "
     "with reviews and", True),
    ("BTP have recently allocated a stalking SPOC. BTP are going to implement a process for", True),
    ("TecSAFE has been running since 2011 and has been part of the police digital service since April 2023. In",
     True),
    ("A review is taking place. At present the following is covered:", True),
    ("Daily screening of Niche is completed by PPV to identify stalking and harassment cases. This is submitted "
     "to the", True),
    ("The quality of stalking investigations is dip sampled by the SPOC, including the use of", True),
    ("Training has been delivered to all response officers, with further inputs planned for the", True),
    ("We have reviewed approximately 66% of the total stalking offences recorded this year, which", True),
    ("The stalking policy has been updated to reflect the new APP and includes guidance on", True),
    ("Referrals are made to the local service provider where victims consent, and where they do not,", True),
    ("The SPOC network meets monthly (chaired by the DCI and attended by", True),
    ("All stalking crimes are reviewed within 48 hours by the safeguardi", True),
    ("The DMM reviews every high-risk case and allocates actions to the appropriate investigat", True),
    ("Officers have been briefed on the use of intermediaries and will arrange one where it would assist "
     "the victim. Further information on our intranet site explains how an intermediary is", True),
    ("Victim needs assessments are completed on Niche at the point of report and then reviewed by the OIC after", True),
    ("The force contact centre offers a link to the online reporting forms, and the link is often used by the "
     "social media team and FCC staff if victims are restricted with time so that all crimes are recorded "
     "accordingly. SOLO officers are available if the crime is sufficiently serious to provide support during "
     "this process, and a booklet is ava", True),
    ("Guidance on SPOs has been issued to supervisors and is available on the intranet together with a "
     "template application, a checklist for", True),
    ("The CJU audits WACROs for Victims' Code compliance post-charge; given the volumes the CJU will consider "
     "auditing all stalking cases that progress to", True),
    ("An inspector from PP&V attends the daily crime DMM where urgent matters are highlighted and fed back to "
     "VU with matters to pick up ASAP. The process is being reviewed to understand the best way to record and "
     "feedback information that needs priority actions. Daily screening is completed by PPV to identify "
     "stalking and harassment cases and this is submitted to the chair of the crime DMM where cases are then "
     "reviewed and any high priority tasking or ac", True),
    ("Problem profile circulated and the strategic assessment and control strategy have been signed off and "
     "published, with VAWG offences, safeguarding the vulnerable and reducing the likelihood of", True),
    ("The SST has been incorporated into the SVR. Testing is complete and the tool was launched on 1 April.", False),
    ("Stalking e-learning was made mandatory for all PCSOs, officers up to CI and control room staff in "
     "October 2019", False),
    ("A referral pathway has been identified to support victims of stalking", False),
    ("BTP will communicate with HO Forces to sense check our current position.", False),
    ("Action complete", False),
    ("See 14.2", False),
    ("Stalking offences currently fall into Tier 2 investigations, which are allocated within the CID "
     "department.", False),
    ("Guidance was signed off by the ACC in March and has been rolled out", False),
    ("The daily management meeting considers every stalking and breach of order case (see the DMM terms of "
     "reference).", False),
    ("All stalking offenders are referred into MAPPA to assist effective management", False),
    ("Keyword searches could improve scrutiny (a challenge is how often stalking terms appear in other "
     "contexts)", False),
    ("The new process is now BAU", False),
    ("Audits are reported to the Public Protection board", False),
    ("Training for FCC staff has been set up", False),
    ("Victims are told about their rights at first contact and again post-charge by the WCU.", False),
    ("Dedicated stalking officers are not planned; victims are referred to ISACs instead", False),
    ("SPO applications are supported by the ViSOR team on the officer's behalf", False),
    ("The problem profile identified stalking on the network as a priority for the control strategy", False),
    ("Completed – see supporting documents", False),
    ("Our policy reflects the College of Policing APP on case allocation", False),
    ("Monthly priority audits include unidentified stalking offences such as ASB, public order and domestic "
     "abuse", False),
    ("Supervisors review files to make sure victim impact is evidenced in witness statements", False),
    # Cut off mid-phrase on an ordinary word (written for issue 16).
    ("Victims are signposted to support services and a leaflet is handed to them by the local", True),
    ("Training was delivered to all response officers in March, and the next cohort will include every", True),
    ("Referral numbers are reported to the board, which then agrees the actions needed to ensure", True),
    ("All stalking crimes are reviewed by a detective sergeant, who checks that officers have considered a "
     "stalking protection order and other specialist", True),
    ("The problem profile was shared with partners through the community safety partnership and the national",
     True),
    ("The DMM allocates high-risk cases to the investigation team with the most", True),
    ("Officers complete the risk assessment with the victim at the first point of contact, providing", True),
    ("The SPOC network meets monthly and shares learning from case reviews with the new", True),
    ("Our policy was revised after the super-complaint and now requires supervisors to carry out several", True),
    ("Victims are referred to the ISAC service where appropriate", False),
    ("Guidance has been issued to all staff", False),
    ("Training is delivered to new starters as part of the induction", False),
    ("Victims can self-refer to the service if they wish", False),
    ("SPO applications are made by the ViSOR team on behalf of officers", False),
    ("The force has no plans to change this", False),
    ("Both investigation teams use the same process for all cases", False),
    ("Action complete – see evidence folder", False),
    ("Safeguarding referrals are made where the risk is assessed as high or very high by the local", True),
]

# --- duplicate updates: pairs of updates on different actions ---------------------------------------------
_TOOLKIT = ("BTP currently have a Victim and Witness toolkit which provides the officers with information regarding "
            "accessing interpreters. BTP allow for a support person to be allowed in interview with the victim, "
            "this will be assessed on the situation and the case, for example a child would need to have a parent "
            "or guardian present. A Video Recorded Interview will be implemented on a case by case basis dependent "
            "on the needs and wants of the victim and in consultation with other parties.")
_SPOC = ("BTP have recently allocated a stalking SPOC to review all stalking crimes and provide guidance to "
         "officers. BTP are going to implement a process for proportionate dip sampling of stalking crimes.")
DUPLICATES: list[tuple[str, str, bool]] = [
    (_SPOC, _SPOC, True),
    (_SPOC + " The IRT team will also assist with reviews.", _SPOC[:120], True),
    (_TOOLKIT + " BTP has further information on the intranet.", _TOOLKIT + " Victim surveys are not in place.",
     True),
    ("BTP currently complete safeguarding and vulnerability referrals for all stalking victims. There is a 4 day "
     "service level agreement to process referrals to support services.",
     "BTP currently complete safeguarding and vulnerability referrals for all stalking victims. There is a 4 day "
     "service level agreement to process referrals. Whilst this is BAU, a review needs to take place.", True),
    ("BTP provide the mandated eLearning, will deliver an input to all PIP2 investigators through the next CPD "
     "day, and will ensure all ICIDP investigators receive an input during their basic training",
     "BTP provide the mandated eLearning, will deliver an input to all PIP2 investigators through the next CPD "
     "day, and will ensure all ICIDP investigators receive an input during their basic training.", True),
    ("BTP are going to complete a problem profile to understand the risk. This will be included within the BTP "
     "strategic assessment and morile scored to determine the problem within BTP.",
     "BTP are going to complete a problem profile to understand the risk. This will be included within the BTP "
     "strategic assessment and morale scored to determine the problem within BTP. UPDATE: completed.", True),
    ("BTP will communicate with HO Forces to sense check our current position to make sure our information is "
     "shared accordingly.", "BTP will communicate with HO Forces to sense check our current position.", True),
    ("The SPOC reviews every stalking crime within 48 hours and gives the OIC written advice on lines of enquiry.",
     "the SPOC reviews every stalking crime within 48 hours and gives the OIC written advice on lines of "
     "enquiry!", True),
    ("Training on stalking protection orders has been delivered to all sergeants and inspectors in the region, "
     "with a refresher planned.", "Training on stalking protection orders has been delivered to all sergeants "
     "and inspectors in the region.", True),
    ("Our stalking policy was reviewed against the super-complaint findings and republished in March 2025 with "
     "a new section on breaches of orders.", "Our stalking policy was reviewed against the super-complaint "
     "findings and republished in March 2025 with a new section on online stalking.", True),
    ("The VAWG board receives a quarterly performance pack covering stalking volumes, SPO applications, "
     "outcomes and victim satisfaction.", "The VAWG board receives a quarterly performance pack covering "
     "stalking volumes, SPO applications, outcomes and victim satisfaction, and the ACC chairs it.", True),
    ("Referrals to the ISAC service are made at the point of report where the victim consents, and the ISAC "
     "contacts the victim within two working days.", "Referrals to the ISAC service are made at the point of "
     "report where the victim consents, and the ISAC contacts the victim within 2 working days.", True),
    (_TOOLKIT, _TOOLKIT.replace("BTP", "The force"), True),
    ("Daily screening of Niche is completed by PPV to identify stalking cases. This is submitted to the chair of "
     "the crime DMM where cases are reviewed and actions allocated.", "Daily screening of Niche is completed by "
     "PPV to identify stalking cases. This is submitted to the chair of the crime DMM where cases are reviewed "
     "and actions allocated. Complete.", True),
    ("All stalking offenders who meet the criteria are referred into MAPPA to assist effective management, and "
     "the ViSOR team monitors them.", "All stalking offenders who meet the criteria are referred into MAPPA to "
     "assist effective management.", True),
    ("We have reviewed approximately two thirds of all stalking and harassment offences recorded this year as "
     "part of our monthly priority audits.", "We have reviewed approximately two thirds of all stalking and "
     "harassment offences recorded this year as part of our monthly priority audits, finding few errors.", True),
    ("The e-learning was made mandatory for all PCSOs, special officers, officers up to chief inspector and "
     "police staff in control rooms in October 2019.", "The e-learning was made mandatory for all PCSOs, special "
     "officers, officers up to chief inspector and police staff in control rooms in October 2019.", True),
    ("SPO applications are supported by the ViSOR team, who review investigations to identify cases where an "
     "order would be appropriate and apply on the officer's behalf.", "SPO applications are supported by the "
     "ViSOR team, who review investigations to identify cases where an order would be appropriate.", True),
    ("Victims are told about their rights under the Victims' Code at first contact and again at charge by the "
     "witness care unit, and compliance is audited monthly.", "Victims are told about their rights under the "
     "Victims' Code at first contact and again at charge by the witness care unit.", True),
    ("A stalking problem profile was produced in December using police data, partner data and national "
     "statistics, and it was circulated to all departments.", "A stalking problem profile was produced in "
     "December using police data, partner data and national statistics.", True),
    # Different updates on related topics: the same people, systems and boilerplate, but each its own answer.
    (_SPOC, "BTP have recently allocated a stalking SPOC. Dip sampling of 20 crimes a month started in "
     "February and results go to the PP board, with learning shared through the SPOC network and the "
     "investigators' bulletin.", False),
    ("Training on stalking protection orders has been delivered to all sergeants and inspectors.",
     "Online safety advice for officers is on the intranet, drawing on the College of Policing APP.", False),
    ("The VAWG board receives a quarterly performance pack covering stalking volumes and SPO applications.",
     "The VAWG board approved the problem profile in January and agreed the control strategy priorities.", False),
    ("Victims are told about their rights under the Victims' Code at first contact.",
     "Victims who would like support are referred to the local ISAC service within two working days.", False),
    ("This action is complete. See supporting documents.", "This action is complete. See supporting documents.",
     False),  # too short to be worth comparing
    ("Action complete", "Action complete", False),
    ("Niche has been changed so that included classifications are searchable, and staff have been briefed.",
     "Intelligence logs are now submitted for every stalking incident, checked daily by the intelligence unit.",
     False),
    ("The stalking policy was reviewed and republished in March 2025 with a new section on breaches of orders.",
     "The domestic abuse policy was reviewed in 2023 and is not part of this action plan at all.", False),
    ("Our ISAC service covers both local authority areas and takes referrals directly from officers on Niche.",
     "Our MAPPA coordinator confirms that stalking offenders are considered at every level 2 meeting.", False),
    ("Daily screening of Niche is completed by PPV to identify stalking and harassment cases every morning.",
     "Daily management meetings consider all high-risk stalking cases and allocate actions to teams.", False),
    ("The problem profile will be refreshed annually and presented to the VAWG board with partner data.",
     "The force management statement includes stalking demand, informed by the problem profile.", False),
    ("Training for call handlers on recognising stalking behaviours was delivered in February 2025.",
     "Training for investigators on digital lines of enquiry in stalking cases was delivered in March 2025.",
     False),
    ("SPO applications rose from 4 to 19 this year after the ViSOR team began supporting officers.",
     "Breaches of SPOs are reported daily and each breach is reviewed by a DS within 24 hours.", False),
    ("BTP will communicate with HO Forces to sense check our current position.",
     "BTP will work with the CPS to agree a joint protocol for stalking cases by the summer.", False),
    (_TOOLKIT, "Victim surveys are sent to every stalking victim 8 weeks after report, and results are "
     "reviewed by the VAWG board each quarter.", False),
    ("Stalking crimes are allocated to Tier 2 investigators in CID in line with the APP on case allocation.",
     "Stalking crimes are screened at the point of recording by the crime management unit for hidden "
     "stalking behaviours.", False),
    ("The e-learning was made mandatory for all officers in October 2019 and completion is 94%.",
     "The College of Policing e-learning product on stalking is available to all staff via the portal.", False),
    ("We attended the national SST event; the tool is now part of the SVR risk assessment.",
     "We attended the regional MAPPA event; stalking is now a standing item at strategic board.", False),
    ("Referral numbers to specialist services are monitored monthly and action taken when numbers fall.",
     "Referral pathways to the national stalking helpline are publicised on the force website.", False),
    ("An inspector attends the daily DMM where urgent matters are highlighted and fed back to the VU.",
     "A DCI chairs the monthly stalking governance meeting where performance is scrutinised.", False),
]


def _score(predictions: list[bool], labels: list[bool]) -> tuple[float, float]:
    tp = sum(p and t for p, t in zip(predictions, labels, strict=True))
    fp = sum(p and not t for p, t in zip(predictions, labels, strict=True))
    fn = sum(t and not p for p, t in zip(predictions, labels, strict=True))
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    return precision, recall


def measure_pending() -> tuple[float, float]:
    return _score([pending_phrase(text) is not None for text, _ in PENDING], [label for _, label in PENDING])


def measure_truncated() -> tuple[float, float]:
    return _score([truncation_reason(text) is not None for text, _ in TRUNCATED], [lab for _, lab in TRUNCATED])


def measure_duplicates() -> tuple[float, float]:
    predictions = [bool(near_duplicates([a, b]).get(0)) for a, b, _ in DUPLICATES]
    return _score(predictions, [label for _, _, label in DUPLICATES])


def test_corpus_sizes() -> None:
    for corpus in (PENDING, TRUNCATED, DUPLICATES):
        labels = [row[-1] for row in corpus]
        assert len(corpus) >= 40
        assert sum(labels) >= 18 and len(labels) - sum(labels) >= 18


def test_pending_language_precision_and_recall() -> None:
    precision, recall = measure_pending()
    misses = [(t, pending_phrase(t)) for t, label in PENDING if (pending_phrase(t) is not None) != label]
    assert precision >= 0.9, misses
    assert recall >= 0.85, misses


def test_truncated_text_precision_and_recall() -> None:
    precision, recall = measure_truncated()
    misses = [(t, truncation_reason(t)) for t, label in TRUNCATED if (truncation_reason(t) is not None) != label]
    assert precision >= 0.9, misses
    assert recall >= 0.8, misses


def test_duplicate_update_precision_and_recall() -> None:
    precision, recall = measure_duplicates()
    assert precision >= 0.95
    assert recall >= 0.9


def test_pending_phrase_names_the_words() -> None:
    assert pending_phrase("We are still waiting on Niche to make the change.") == "waiting on"
    assert pending_phrase("") is None and pending_phrase(None) is None


def test_latest_section_after_update_marker() -> None:
    text = "BTP are going to complete a problem profile. UPDATE:Problem profile circulated."
    assert history_markers(text)
    assert latest_section(text).startswith("UPDATE:")
    assert pending_phrase(text) is None


def test_history_markers() -> None:
    assert history_markers("First part. UPDATE - Daily screening is completed.")
    assert history_markers("Nov 24: profile started. Mar 25: profile published.")
    assert not history_markers("BTP will be able to update the force management statement accordingly.")
    assert not history_markers("Update: the profile was published in March.")  # a label, not history


def test_truncation_against_national_wording() -> None:
    national = "Victim needs assessments are always completed."
    assert truncation_reason("Victim needs assessments are always completed", full=national) is None
    reason = truncation_reason("While any necessary system changes are pending, chief constables should",
                               full="While any necessary system changes are pending, chief constables should put "
                                    "alternative measures in place.")
    assert reason == "it is only the beginning of the national wording"
    # The catalogue's own text ends without a full stop: not truncated.
    text = "This could, for example, be the submission of intelligence reports"
    assert truncation_reason(text, full=text) is None


def test_truncation_at_export_length() -> None:
    text = ("word " * 60)[:255]
    assert text[-1] != "."
    assert truncation_reason(text) is not None


def test_near_duplicates_skip_boilerplate_but_keep_mass_copies() -> None:
    boiler = "This is now business as usual and is monitored through the governance board each month."
    texts = [f"Update {i}: the team delivered item {i} of the plan to officers in area {i}. {boiler}"
             for i in range(60)]
    found = near_duplicates(texts)
    assert not found  # a shared closing sentence is not a copied update
    copies = near_duplicates([boiler] * 50 + ["Something else entirely, written for its own requirement here."])
    assert len(copies) == 50 and 50 not in copies


@given(st.lists(st.one_of(st.none(), st.text(max_size=200)), max_size=30))
def test_near_duplicates_never_crash(texts: list[str | None]) -> None:
    result = near_duplicates(texts)
    for index, matches in result.items():
        assert all(m.other != index and 0 <= m.other < len(texts) for m in matches)


@given(st.text(max_size=300))
def test_heuristics_never_crash_on_any_text(text: str) -> None:
    pending_phrase(text)
    truncation_reason(text)
    truncation_reason(text, full=text)
    history_markers(text)


def test_near_duplicates_same_whatever_the_spacing_or_alphabet() -> None:
    # ASCII texts already single-spaced take a fast path; other spacing and non-ASCII text the general one.
    texts = [
        "The stalking policy was reviewed by the board. Training for all officers followed in March; done.",
        "The stalking policy was reviewed by the board. Training for all officers followed in March.",
        "Training for all officers followed in March. A new audit of stalking cases was then agreed by the board.",
        "Completely different words about victims, referrals and the advocacy service in the force area here.",
    ]
    respaced = ["  " + t.replace(" ", " \t ").replace(". ", " . ") + "\n" for t in texts]
    non_ascii = [t.replace(" ", "\u00a0") for t in texts]  # a no-break space is a space here too
    expected = near_duplicates(texts)
    assert expected  # the first three share sentences
    assert near_duplicates(respaced) == expected
    assert near_duplicates(non_ascii) == expected
