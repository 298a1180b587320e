"""The triage on wording: the safety net for veiled and indirect words, the everyday senses
of the same words, harmless-context words that must never clear a crisis, and negations that
only postpone (docs/safety.md, "Deciding the level"). Rules alone, as in tests/test_triage.py.
"""

from __future__ import annotations

import pytest

from bot.triage import Level, rules_triage

# ---------------------------------------------------------------------------------------------
# Safety net for ambiguous wording (docs/safety.md: when torn, choose the higher level)
# ---------------------------------------------------------------------------------------------

# Veiled first-person wording in the fields of death, ending, disappearing, burden, giving up:
# at least concern, so the bot asks the direct question.
AT_LEAST_CONCERN = [
    "honestly what is the point of me",
    "i think im going to give up on everything",
    "i cant keep pretending much longer",
    "im so tired of everything",
    "i just want out",
    "i feel like a drain on everyone around me",
    "would anyone even notice",
    "i cant see a future for myself",
    "some nights i keep thinking about death",
    "i feel like im slowly fading away",
    "je ne vois plus d'avenir pour moi",
    "ich sehe keinen Sinn mehr",
    "estoy cansado de todo",
    "я устал от всего",
]

# The same concepts in their clear forms, without the usual words: crisis.
INDIRECT_CRISIS = [
    "part of me wants to fall asleep and not come back",
    "i want to check out for good",
    "everyone would be less stressed if i was out of the picture",
    "i've been quietly collecting my mum's sleeping pills",
    "who would take my dog if something happened to me",
    "this is the last time you'll hear from me",
    "there are new lines on my thighs and i made them myself",
    "my stepdad does stuff to me and says if i tell mum will cry",
    "my friend said goodbye and now her phone is switched off",
    "quiero cerrar los ojos para siempre",
    "es wäre leichter für alle, wenn es mich nicht gäbe",
]

# Idioms, hyperbole, games and everyday readings of the same words: none.
EVERYDAY = [
    # ordinary goodbyes beside the farewells above
    "logging off for good from twitter, too toxic. bye",
    "this is my last check in before my holiday, bye!",
    "final msg from me today, night night",
    "there won't be anyone to answer the phone, the office is closed",
    "I won't be bothering you anymore, deleting the app, thanks for the lessons",
    "ok signing off for the night, bye bot",
    "es la última vez que te escribo a estas horas, perdón",
    "no me vais a ver el finde, me voy a la playa",
    "último check-in de la semana, a descansar",
    "c'est la dernière fois que je t'écris aussi tard promis",
    "quand tu liras ça je serai déjà dans l'avion haha",
    "Dernier check-in de la semaine, vivement le week-end. Bye!",
    "letzter check-in vor dem urlaub, bis in zwei wochen",
    "wenn du das liest, bin ich schon im zug nach hamburg",
    "ich bin dann weg, diesmal richtig lange: drei wochen thailand!",
    "это последний раз когда я пишу так поздно, обещаю",
    "больше вы от меня не услышите жалоб, обещаю",
    "последний чек-ин на этой неделе, ура выходные",
    # Russian: a kitchen knife, a washing line, vitamins, an ambulance shift, a fringe, idioms
    "нож для мяса совсем затупился, посоветуйте нормальную точилку",
    "Купил верёвку для сушки белья на балкон, а она провисает",
    "в аптеке сказали, что передозировка витамина D бывает от лошадиных доз",
    "Работаю на скорой. За сутки три вызова на суицидальные попытки, все живы",
    "парикмахер сделал мне чёлку как у Гарри Поттера. роскомнадзор, срочно 🙃",
    "мама купила мне куртку цвета детской неожиданности. пойду выпилюсь",
    "Соседи сверлят с восьми утра, хоть в петлю лезь",
    "мы с сестрой на ножах с тех пор как она заняла мою комнату",
    "старый шкаф лет десять мёртвым грузом стоит на даче",
    "таблетки собираю в таблетницу на неделю",
    "мама заставляет делать всякое по дому",
    # French: cooking and hair cuts, study, a crisis-line volunteer's training, TV, idioms
    "je me suis coupé le doigt en cuisinant",
    "Je me suis coupé les pointes moi-même",
    "je me suis brûlé avec le four",
    "il arrête pas de saigner du nez lol",
    "Révision de socio : Durkheim, Le Suicide (1897), les quatre types",
    "Bénévole à La Main Tendue. Ce soir, formation : comment poser la question du suicide",
    "L3 psycho, partiel demain sur l'évaluation du risque suicidaire",
    "Intervenante chez Tel-jeunes, on prépare une capsule sur le suicide pour les écoles",
    "Stromae au JT de TF1, où il dit qu'il a déjà eu des pensées suicidaires",
    "oublié de sortir le poulet du congélo, ma mère va me tuer 😅",
    "43 degrés à Dakar, je vais mourir fondue comme le beurre",
    "trois heures d'Occupation Double, j'ai pensé mourir lol",
    "je pense pas revenir avant lundi",
    "il va sauter en parachute samedi",
    "elle a dit adieu au pont de son enfance, on a déménagé",
    # Spanish: a group photo, an exam, penalties, rice and mum, a fringe, greenfly, a pharmacy
    "me acabo de ver en la foto de grupo de la boda y me quiero morir jajaja 💀",
    "el profe tomó integrales triples en el parcial, me pego un tiro jajaja bueno no",
    "se me murió el celu justo en los penales de River, quiero morir boludo",
    "se me quema el arroz otra vez, mi mamá me va a matar y con justa razón 😂",
    "me corté el fleco yo sola y me quedó todo torcido",
    "¿cómo se mata el pulgón de los rosales sin usar veneno?",
    "inventario de los opiáceos, contando pastilla por pastilla con la titular al lado",
    # English: a breakup, a lawn, a documentary, a move, a football club, a lecture, a rescue
    "We decided to end it after 3 years, totally mutual, still mates",
    "I think I overdosed the lawn on fertiliser",
    "Watched the doco on Port Arthur. Reminds you why we have the gun laws we have",
    "giving away all my furniture before the move to Melbourne, free to collect",
    "Arsenal bottling it again. I'm done with this club. See you Saturday obviously",
    "psych lecture today on passive and active suicidal ideation. exam on it next month",
    "Did CPR on a man who collapsed in Tesco today and we got him back",
    "missed the 8:14 by literally 3 seconds, driver pulled off. kms",
    "NEPA took light just as Chelsea scored. Omo I wan die 😭😭",
    "I'm at the end of my rope with this printer. It says paper jam.",
    "my phone screen is hanging by a thread",
    "i took the train to the bridge and i'm walking there now to meet friends",
    "sitting here with the knife for the onions",
    "das ist mein letzter check-in diese woche",
    # German: funny videos, onions, morning pills, a mother at the cinema, a cake
    "mein freund zeigt mir komische videos von katzen",
    "ich sitz hier mit dem messer und schneide zwiebeln",
    "ich hab die tabletten schon hier, nehme sie morgens zum frühstück",
    "ich hab meiner mama geschrieben und sie geht nicht ans handy, ist wohl im kino",
    "sorry, bin spät dran, mama geht nicht ans handy",
    "sie will dass ich das auch mache, also den kuchen",
    "mama hat geschrieben, ich soll die tabletten aufheben, die sind teuer",
    "estoy sentada con el cuchillo de cocina cortando cebolla",
    "voy al puente ahora a ver el atardecer",
    "j'ai acheté un couteau japonais pour la cuisine",
    # Neighbours of the second French round: a rooftop with friends, a bridge full of tourists,
    # staying for the children in a marriage, papers for the tax return ("rangé" is not the
    # English shooting "range"), the courage to ask someone out, a flatshare
    "je suis sur le toit-terrasse avec les copines, la vue est dingue",
    "je suis sur le pont d'Avignon, trop de touristes",
    "je suis sur les rails du succès mdr",
    "je reste pour mes enfants, pour le divorce on verra",
    "j'ai trié mes papiers pour la déclaration d'impôts, je me sens légère",
    "la prochaine fois que j'ai le courage je le fais, je lui demande son numéro",
    "j'ai plus de raison de rester dans cette coloc",
    "c'est la dernière fois qu'on se parle avant Noël",
    "I'm at the bridge club tonight, wish me luck",
    "I'm on the bridge, traffic is insane",
    "I'm on the roof fixing the aerial",
    "im only staying in this job for the kids",
    "my parents won't have to pay for me anymore once I start my job",
    "I feel strangely light after the sauna",
    "this is the last time we talk before the exam, good luck!",
    # French "je veux mourir" is the hyperbole "I want to die" is: a plainly trivial setting
    # lowers it, as in the other four languages
    "loupé le train de 8h, jveux mourir mdr",
    "otra vez lunes, me quiero morir jaja",
    "perdí el colectivo por 10 segundos, quiero morirme jsjs",
    "j'ai cramé mon gâteau, jveux mourir 😂",
    "forgive me for the late reply, love you all",
    "mum I'm sorry, love you, off to the party",
    "стою на подоконнике, мою окна",
    "скоро всем станет легче, когда закончится ремонт",
    "написала письма маме и сестре на новый год",
    "больше не напишу сюда, удаляю приложение",
    "проще было бы не проснуться в понедельник лол",
    "pronto no voy a estar conectada, me voy de viaje",
    "estoy parada en la ventana limpiando los vidrios",
    "aguanto, pero no mucho más sin café jaja",
    "gracias por todo, nos vemos mañana",
    "bald haben sie ihre Ruhe, wenn ich ausgezogen bin",
    "bald bin ich nicht mehr da, weil ich nach Wien ziehe",
    "hab meine Klamotten verschenkt, wir ziehen um",
    "alles ist bereit für die Party",
    "ich steh am offenen Fenster und rauche",
    "danke für alles, bis morgen",
    "soon everyone will be able to breathe easier when the heatwave ends",
    "it'd be easier not to wake up at 5 for this job lol",
    "everything's ready for the party",
    "i just need to work up the nerve to ask her out",
    "stocked up on paracetamol for flu season",
    "standing at the open window having a smoke",
    "wrote letters to my mum and my sister for christmas",
    "this will be my last check in before the holiday",
    "theres nothing left for me here, moving to leeds next month",
    "my son locked himself in his room and won't come out, he said he's done talking to me",
    "holding on for now, but not for much longer, my phone battery is at 2%",
    "the keys? they're in the drawer",
    "As a pharmacist I watch for people collecting too many painkillers",
    "bientôt tout le monde respirera mieux, quand la canicule sera finie",
    "je serai plus là très longtemps, je pars en Erasmus",
    "j'ai donné mes fringues à la friperie, on déménage",
    "tout est prêt pour la fête",
    "il me manque juste le courage de lui dire",
    "je suis à la fenêtre ouverte, je fume une clope",
    "j'ai écrit des lettres à ma mère et à ma sœur pour Noël",
    "personne n'aura à s'inquiéter pour moi après vendredi, j'ai trouvé un appart",
    "il n'y a plus rien pour moi ici, je déménage à Lyon",
    "je vous écrirai plus avant lundi",
    "merci pour tout, à demain",
    "ya no hay nada para mí aquí, me mudo a Madrid",
    "hier gibt es nichts mehr für mich, ich ziehe nach Berlin",
    "здесь для меня ничего не осталось, переезжаю в Питер",
    "в холодильнике для меня ничего не осталось",
    "nadie va a tener que preocuparse por mí después del viernes, conseguí trabajo",
    "las llaves están en el cajón",
    # A negated wish to die inside the pattern's gap ("ich will nicht sterben", "je veux pas
    # mourir") was a crisis; now the negation clears it, as "I don't want to die" is cleared
    "ich will nicht sterben",
    "ich will nie sterben, ich hab nur Angst vorm Fliegen",
    "je veux pas mourir t'inquiète, c'était une expression",
    "je veux jamais mourir, la vie est trop belle",
    "je suis restée des heures au bord du quai à attendre le train, grève",
    "ich werde mich nicht umbringen",
    "je vais pas me tuer, t'inquiète",
    "je vais pas me suicider pour un partiel raté",
    "je pense pas au suicide, je suis juste fatiguée",
    "ich ritze mich nicht",
    "одноклассник написал, что завтра его не будет на физре",
    "подруга сегодня раздаёт вещи на Авито, переезжает",
    "hice mi testamento porque compramos casa",
    "написала завещание, купили квартиру",
    "🔪 руки порезала, морковку резала лол",
    "всё 🪦 сериал закончился",
    "💊 пора пить витамины",
    "бабушка трогает меня за руку, когда боится",
    "стояла на балконе и смотрела вниз на салют",
    "дальше без меня, я в отпуск",
    "не отговаривай, я уже купила билеты",
    "кота отдала маме на время отпуска",
    "я уже всё решила с платьем",
    "gave the cat away for good, my allergy got too bad",
    "stood on the balcony looking down at the fireworks",
    "from here on without me, i'm leaving the group chat",
    "ya lo decidí, no intentes convencerme, me corto el pelo",
    "danke, dass du da warst, bis morgen",
    "bald steh ich niemandem mehr im weg, ich zieh aus",
    "c'est décidé, essaie pas de me faire changer d'avis, je me coupe les cheveux",
    # Others breathing easier "soon" is a crisis beside a burden, not alone
    "soon everyone will breathe easier, the heating is fixed",
    "bientôt tout le monde respirera mieux, la clim est réparée",
    "bald haben die nachbarn ihre ruhe, party ist vorbei",
    "скоро всем станет легче, отопление дадут",
    "standing on the bridge waiting for the marathon runners",
    # A place alone is no longer its own "now" in the other four languages (it was: a roof or a
    # bridge's edge was at once means and immediacy); activities there are none
    "estoy sentada en el borde del puente comiendo un helado con mi novio",
    "ich sitze am rand der brücke und angle",
    "bin auf dem dach, die regenrinne ist verstopft",
    "ich steh am offenen fenster und lüfte",
    "je suis à la fenêtre ouverte, il fait trop chaud",
    "сижу на краю моста, ловлю рыбу",
    "i'm at the open window, it's so hot tonight",
    "por ahora aguanto, pero no por mucho, este calor es insoportable",
    "je tiens pour l'instant, mais plus pour longtemps, ce régime c'est dur",
    "держусь пока, но ненадолго — диета тяжёлая",
    # Forgiveness asked for something in particular is an everyday apology, even beside love
    "forgive me for being grumpy today, love you all",
    "perdóname por llegar tarde, los quiero",
    "verzeih mir, dass ich zu spät bin. ich hab euch lieb",
    "pardonne-moi pour hier soir, je vous aime",
    "прости меня за вчерашнее, люблю вас",
    "j'ai trié mes papiers et je me sens légère, enfin un bureau propre",
    "hab alle papiere geordnet, fühl mich ganz ruhig vor der prüfung",
    "ich bleib nur für meine tochter noch auf der party",
    "den job mach ich nicht mehr lange mit",
    "wir suchen ein neues zuhause für die katze, wir ziehen nach wien",
    "herzrasen nach dem dritten kaffee",
    "heut nich, bin müde",
    "estoy en la azotea con mis amigas, qué vista más linda",
    "estoy sobre el puente de Brooklyn, turisteando",
    "me quedo por mis hijos, el divorcio puede esperar",
    "ordené mis papeles para la declaración de la renta, me siento liviana",
    "rezo para no despertar tarde mañana",
    "llevo una hora esperando el colectivo",
    "bin grad auf der Dachterrasse mit Freunden, mega Aussicht",
    "stehe auf der Brücke im Stau, nervt",
    "ich bleib noch ein bisschen für meinen sohn in Berlin, dann zieh ich um",
    "hab meine papiere für die steuer sortiert, fühl mich ganz leicht",
    "ich bete, dass ich morgen nicht zu spät aufwache",
    "seit einer stunde warte ich auf den bus",
    "сижу на крыше с друзьями, закат шикарный",
    "я на крыше, антенну чиню",
    "когда наберусь смелости, сделаю это — признаюсь ей",
    "нет причин оставаться на этой работе",
    "молюсь, чтобы не проснуться поздно",
    "уже час жду автобус",
    "je vais au pont maintenant pour voir le feu d'artifice",
    "сижу с ножом и режу салат",
    "иду к мосту сейчас с друзьями гулять",
    "добавила уксус в салат",
    "сегодня последний день распродажи",
    "оставила пароль от вайфая гостям",
    "решилась на новую стрижку, мне спокойно",
    "всё, я решилась. записалась к психологу",
    "мы всё решили, свадьба в июне",
    "а скоро лето",
    "собираюсь прыгнуть с тарзанки",
    "хочу прыгнуть с парашютом",
    "я больше не хочу быть бухгалтером",
    "лучше бы меня не было на той вечеринке",
    # a German article, a noun and a reflexive verb that only look like danger or self-harm
    "in Lyon hat mich ein Franzose angebrüllt, weil ich falsch stand",
    "Baustaub in allen Ritzen, und Kaffee aus der Thermoskanne",
    "im hiding from them that i failed the quiz",
    "ayer me encerré en el baño cinco minutos a respirar",
    "me corté un dedo con la mandolina el jueves",
    # a proverb, an idiom and a hangover
    "Lieblingszitat: Was mich nicht umbringt, macht mich stärker.",
    "I've been cutting my ex out of every single photo on my camera roll",
    "j'ai envoyé « je t'aime » à mon boss, suicide social 💀",
    "Qué guayabo tengo, me quiero morir, nunca más aguardiente",
    "Лучше сдохнуть, чем еще раз идти к этому стоматологу",
    "missed the 7:42 bus by literally 3 seconds and the driver saw me. kms 🙃",
    "se me quemaron los frijoles otra vez, me quiero morir jajaja",
    "traigo una sobredosis de cafeína, me tiembla el ojo",
    "j'ai fait une overdose de séries ce week-end",
    "прости меня, я опоздала на встречу",
    "morgen bin ich nicht mehr da, bin im Urlaub",
    "verzeih mir, dass ich zu spät bin",
    "ich mache dem Streit ein Ende",
    "ce soir j'en finis avec ce dossier",
    "perdóname por llegar tarde",
    "hoy acabo con la tarea y me voy",
    "me toca trabajar mañana",
    "mum im sorry i broke your vase",
    "took the whole bottle of water to the gym",
    "the last you will hear from me before my holiday",
    "tonight it all ends with the season finale",
    "сегодня всё закончится в 5 вечера",
    "мне не страшно летать",
    "mir macht fliegen keine Angst mehr",
    "ya no me da miedo manejar",
    "он ушёл на тот свет в прошлом году",
    "ein Vortrag über SVV im Seminar",
    "ich springe heute ins kalte Wasser",
    "der Koch steht mit einem Messer in der Küche",
    "hoy salto en paracaídas por primera vez",
    "сегодня прыгну с парашютом",
    "он сидит с ножом и режет хлеб",
    "Ich arbeite im Rettungsdienst. Heute Nacht hatten wir einen Einsatz nach einem Suizidversuch.",
    "Je prépare le concours de gardien de la paix: l'appel d'une personne suicidaire",
    "I'm dead \U0001f480",
    "dead tired after the late shift",
    "dying to see you this weekend",
    "you killed it on stage",
    "the pasta was to die for",
    "shoot me a message later",
    "stop cutting corners on the report",
    "she looked drop dead gorgeous",
    "overdosed on caffeine again lol",
    "we are going to a murder mystery dinner",
    "the suicide squeeze tied the game",
    "I'm done with the laundry",
    "I'm out of milk",
    "I give up, this crossword is impossible",
    "what's the point of this meeting",
    "I wrote a will after the baby was born",
    "would anyone notice if I left the party early",
    "seeing the solicitor about mum's will on friday",
    # the everyday senses beside the plain-words control and stalking rules
    "he found the new gym really good",
    "she chose what I wore to the wedding lol",
    "my partner went through my bag once looking for a lighter, he apologised",
    "мама не даёт денег на кино, ну и ладно",
    "ich hab kein eigenes Geld mehr diesen Monat, alles für Miete",
    "j'ai trouvé un traceur pour mon chat",
    "this is my last check-in before the holidays, see you in january",
    "je suis calme maintenant, le match est fini",
    "ma décision est prise, je prends le master à Lyon",
    "всё решено, едем в отпуск в августе",
    "ich bin ganz ruhig, die Prüfung lief gut",
    "I don't want to see another birthday party like that lol",
    "I don't want a future with him",
    "j'en ai fini avec la vie de bureau",
]


# Harmless-context words are read in the sentences around a risk, so a word that also belongs
# to a crisis (a pill box, a ward, a helpline, losing a job, a parent, a voice message) must
# never be one: each of these came out none once, after a lexicon change that only looked at
# the training negatives.
CONTEXT_MUST_NOT_CLEAR = [
    # French "thèse" and English "these" are one word once accents go: no context word may be
    # an everyday word of another language
    ("Please tell whoever reads these that I'm sorry. This is goodbye.", "crisis"),
    (
        "Thanks for listening these last few weeks. This is the last message you'll get from me.",
        "crisis",
    ),
    ("I've been looking up fatal doses. Filled my pill box with everything I have.", "crisis"),
    ("I counted my pills tonight. They upped my meds last week, so now I have enough.", "crisis"),
    ("This is my last night here. The nurses on the ward won't notice.", "crisis"),
    ("C'est mon dernier message. J'ai appelé la ligne d'écoute, personne n'a répondu.", "crisis"),
    ("Je veux juste disparaître. J'écoute ce morceau en boucle depuis des heures.", "crisis"),
    ("je veux juste disparaitre. ma mère s'en fiche mdr", "crisis"),
    ("Это моё последнее сообщение. Отключу уведомления и всё.", "crisis"),
    ("Раздаю свои вещи. Меня увольняют, сил больше нет.", "crisis"),
    ("Хочу умереть. Мама прислала голосовое, а мне всё равно.", "crisis"),
    ("Это моё последнее сообщение. Звонила на телефон доверия, никто не ответил.", "crisis"),
    ("me quiero morir jsjs, mi madre me echó de casa", "crisis"),
    ("ya no puedo más, mi padre me odia jaja", "concern"),
    # a will left with a solicitor is preparation, not an ordinary reason for a farewell
    ("you won't hear from me again. solicitor has the will", "crisis"),
]


@pytest.mark.parametrize(("text", "level"), CONTEXT_MUST_NOT_CLEAR)
def test_words_that_also_belong_to_a_crisis_never_clear_it(text: str, level: str) -> None:
    assert rules_triage(text).level >= Level[level.upper()], text


@pytest.mark.parametrize("text", AT_LEAST_CONCERN)
def test_veiled_wording_is_at_least_concern(text: str) -> None:
    assert rules_triage(text).level >= Level.CONCERN, text


@pytest.mark.parametrize("text", INDIRECT_CRISIS)
def test_indirect_crisis_wording_is_crisis(text: str) -> None:
    assert rules_triage(text).level == Level.CRISIS, text


@pytest.mark.parametrize("text", EVERYDAY)
def test_everyday_readings_stay_none(text: str) -> None:
    assert rules_triage(text).level == Level.NONE, text


# ---------------------------------------------------------------------------------------------
# Negation that only postpones
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "not going to kill myself yet",
        "I won't end my life. Not tonight. But soon.",
        "I don't want to kill myself. Not yet anyway",
        "no voy a matarme todavia",
        "ich bring mich heute nacht nicht um. aber bald",
        "je vais pas me tuer. pas ce soir",
        # behind a comma, in a sentence of its own, or as the negation itself
        "I'm not going to kill myself, not yet",
        "I won't kill myself, not tonight anyway",
        "no quiero matarme, todavia no",
        "Я не хочу убить себя. Не сегодня",
        "je ne suis pas suicidaire. pas encore",
        "ich bin noch nicht suizidal",
        "I'm not suicidal yet",
        # a longer sentence behind "not yet" or "but", and "yet" before a new clause
        "I'm not going to kill myself. Not yet but probably next week when everyone is away",
        "I'm not going to kill myself. At least not this week.",
        "no voy a matarme. Todavía no pero pronto lo haré y nadie podrá impedirlo",
        "I'm not going to kill myself. But soon I will and no one can stop me.",
        "im not going to kill myself yet im getting close",
        "I won't kill myself. Not now.",
        # putting it off on its own, beside a plan or a date: the risk word was in the chat
        "not right now. im too tired. but it's still the plan",
        "Heute nicht. Aber ich hab mir ein Datum ausgesucht.",
        "спокойно, не сегодня. но я уже решила",
    ],
)
def test_a_negation_that_only_postpones_keeps_the_risk(text: str) -> None:
    assert rules_triage(text).level == Level.CRISIS


@pytest.mark.parametrize(
    "text",
    [
        "not suicidal. see you soon!",
        "I'm not suicidal. Not at all.",
        "I'm not suicidal, just tired tonight",
        # a time word opening a longer sentence, and "yet" meaning "but"
        "I'm not going to kill myself. Tonight I'm going to the cinema",
        "I'm not suicidal. Soon I'll be on holiday!",
        "not yet, I'm exhausted from work",
        "Not yet. I decided to wait for the sale",
        "not yet, still got the plan to visit mum",
        "pas encore, j'ai pris ma décision de partir en vacances en juillet",
    ],
)
def test_a_time_word_further_from_a_negation_is_no_postponement(text: str) -> None:
    assert rules_triage(text).level != Level.CRISIS


# ---------------------------------------------------------------------------------------------
# Doubled letters that tell two words apart (bot.triage.normalise.KEEP_DOUBLE)
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        # collapsed, "of" read as "off myself" and "nose" as "noose": both were crisis
        "Mood 7, nervous but proud of myself for having the hard conversation.",
        "I need to take better care of myself this winter",
        "I feel like a cardboard cut-out of myself lately",
        "broke my nose at football, bled everywhere",
        "the lesson was very on the nose",
        "Je n'ose pas en parler à ma sœur",
    ],
)
def test_a_collapsed_spelling_is_not_read_as_another_word(text: str) -> None:
    assert rules_triage(text).level != Level.CRISIS


@pytest.mark.parametrize(
    "text",
    [
        "gonna off myself tonight",
        "gonna offfff myself tonight",
        "i bought a nooooose",
        "i tied a noose, it's in the garage",
        "gonna kiiiill myself",
        # collapsed, English "deer" (a hunting trip, an ordinary reason) read as German "der"
        # and cleared these
        "heute nicht. aber der plan steht, ich wart nur auf den richtigen tag",
        "denk seit der trennung dauernd an ctb. heut is es echt laut im kopf",
    ],
)
def test_a_risk_word_survives_the_collapsing(text: str) -> None:
    assert rules_triage(text).level == Level.CRISIS


@pytest.mark.parametrize(
    "text",
    [
        # Spain's Spanish tells a recent act in the perfect tense; the patterns knew the preterite
        "me he cortado otra vez",
        "he decidido acabar con mi vida",
        "he regalado todas mis cosas",
        "he intentado ahorcarme",
        "he tomado todas las pastillas",
        # German "lag" (lay) is not English gaming "lag", a trivial setting
        "ich lag die ganze nacht wach und will nicht mehr leben",
        # "rather die than ..." is an idiom, except about going on living or going back
        "лучше сдохнуть, чем вернуться к нему",
        "лучше умереть, чем так жить",
        # a mishap is trivial, a broken heart is not
        "se me rompió el corazón, me quiero morir",
        # Russian slang for opening one's veins, and a farewell to mum with despair
        "хочу вскрыться",
        "я порезала вены",
        "мама, прости меня, я больше не могу",
        # German and French wording both layers missed
        "morgen bin ich nicht mehr da",
        "ich habe mir einen strick gekauft",
        "mein freund hat gesagt er bringt sich heute um",
        "mama, verzeih mir, ich kann nicht mehr",
        "ich mache dem ganzen heute ein ende",
        "maman, pardonne-moi, je n'en peux plus",
        "ce soir j'en finis",
        # Spanish and English, the same probe
        "mamá, perdóname, ya no puedo más",
        "esta noche acabo con todo",
        "ya lo tengo todo organizado para cuando no esté",
        "me tomé un bote de pastillas",
        "mi padrastro me toca",
        "mum, i'm sorry, i can't do this anymore",
        "took the whole bottle",
        "This is the last you'll hear from me.",
        # joining someone who died, not fearing death, it all ends tonight, not waking again
        "i want to be with mum in heaven",
        "tonight it all ends",
        "хочу к маме на небо",
        "всё, я устала. сегодня всё закончится",
        "я больше не проснусь",
        "мне не страшно умирать",
        "ich will zu mama in den himmel",
        "mir macht sterben keine angst mehr",
        "je veux rejoindre maman au ciel",
        "je n'ai plus peur de mourir",
        "quiero irme con mi mamá al cielo",
        "ya no me da miedo morir",
        # slang: the other world, "wegmachen", SVV, "m'tuer", "scarif"
        "хочу на тот свет",
        "ich will mich wegmachen",
        "svv wieder",
        "j'veux m'tuer",
        "scarif encore hier soir",
        # a second round: someone at the door with a knife, jumping tonight, a sister's goodbye
        "meine schwester hat tschüss geschrieben und geht nicht ans telefon",
        "er steht mit einem messer vor meiner tür",
        "ich springe heute nacht",
        "niemand wird mich vermissen wenn ich weg bin",
        "mi hermana me escribió adiós y no contesta",
        "esta noche salto",
        "он стоит за дверью с ножом",
        "сегодня ночью прыгну",
        # a last check-in, a last message, nobody left to read the next one
        "this is my last mood check in. it's a 1. bye",
        "final msg. not sad anymore just finished",
        "Don't bother with the morning reminder. There won't be anyone here to read it",
        "logging off for good. i cant do this anymore",
        "es la última vez que te escribo",
        "Gracias por aguantarme. No me vais a volver a leer.",
        "último check-in. dile a mi padre que no le guardo rencor",
        "c'est la dernière fois que je t'écris",
        "quand tu liras ça, je serai plus là",
        "dernier check-in. dites à mon père que je lui en veux pas",
        "das ist das letzte mal, dass ich dir schreibe",
        "wenn du das liest, bin ich nicht mehr da",
        "letzter check-in. sagt meinem vater, dass ich ihm nicht böse bin",
        "Danke für alles. Ich bin dann weg, diesmal richtig.",
        "это последний раз, когда я пишу",
        "больше ты обо мне не услышишь. спасибо за всё, бот",
        "последний чек-ин. скажите папе что я не злюсь",
        # Russian: emoji with words, a child's words, a threat heard through the wall, a friend
        # on a bridge and a plan typed in transliteration, pills gathered (the order reversed)
        "🔪🩸 опять. не останавливается",
        "мам прости ⚰️ я так больше не могу",
        "мне 12. старший брат заставляет делать всякое с ним и снимает на телефон",
        "за стенкой сосед орёт, что убьёт жену, там что-то грохает",
        "moy drug napisal chto stoit na mostu i eto poslednee soobshenie",
        "eto ne shutka: segodnya ya ubivayu sebya",
        "я уже неделю таблетки собираю, почти набралось",
        "муж размахивает ножом",
        "у него нож",
        # French: a bridge and "not coming back", a child's words, a brother on a roof, a
        # friend's bottle of pills, a goodbye with a rope, empty blister packs, cutting again
        "chu su'l pont Jacques-Cartier 🌉😶 j'pense pas revenir",
        "le copain de maman ma montré des videos bizarres et il veut que je fais pareil avec lui",
        "Mon frère est sur le toit de l'immeuble, il dit qu'il va sauter",
        "Ma chum vient de me texter qu'a l'a pris toute sa bouteille de pilules",
        "elle dit adieu à tout le monde avec une photo d'une corde",
        "Mon coloc est par terre, il respire bizarre, y a des plaquettes de médocs vides partout",
        "je fais mon testament, j'ai prévu de plus être là d'ici la fin du mois",
        "j'ai recommencé à me couper hier et avant-hier",
        "je me suis coupé en cuisinant et ça arrête pas de saigner depuis 20 min",
        # Spanish: a child sent photos, on the bridge "ahora sí neta", calm after deciding,
        # searching for the highest bridge, poison drunk, a fringe is not a wrist
        "el novio de mi mamá me manda fotos de su cosa y me pide que le mande fotos sin ropa",
        "jaja ya me voy a aventar del puente pero ahora sí neta, ya estoy aquí arriba",
        "esto es un adiós bot. no me preguntes más, ya lo decidí y estoy tranquila",
        "Llevo dos noches mirando en el móvil cuál es el puente más alto de la zona",
        "me tomé el veneno para ratas",
        "me pego un tiro, no aguanto más",
        "el me pego un golpe en la cara",
        "llevo semanas juntando pastillas",
        # English: a bridge emoji, a wave and a headstone, a child's words (India, the
        # Philippines), a stranger from a game, a pesticide drunk, a story's goodbye, bleeding
        # wrists, a threat through the wall, walking to the bridge, sitting with the knife
        "me + 🌉 tonight. don't try and talk me out of it",
        "everyone's better off 👋🪦",
        "tuition sir makes me sit on his lap and touches me there",
        "my tito touches me when lola is sleeping, im scared to go home po",
        "a man from the game told me to send pictures with no clothes on",
        "he says he knows where i live and will come to my house",
        "Please my cousin just drank sniper, she is foaming at the mouth",
        "My friend posted on his story 'this is my last day, sorry mummy' and he is not picking up",
        "my sister is bleeding a lot from her wrists",
        "neighbour's husband is shouting he'll kill her and I can hear things smashing",
        "the bridge is 10 minutes from mine and i'm walking there now",
        "lmaooo i literally can't go on. been sitting here with the knife for an hour",
        "having passive suicidal ideation again",
        # German: a child's words, a brother on a roof, poison drunk, bleeding wrists, sitting
        # with the knife, pills gathered, a story's goodbye then silence, a wave and a headstone
        "der freund von mama zeigt mir komische videos und will dass ich das auch mache",
        "ein typ aus dem spiel will nacktbilder von mir",
        "mein bruder steht auf dem dach und sagt er springt",
        "meine freundin hat rattengift getrunken",
        "meine schwester blutet stark an den handgelenken",
        "ich sitz hier seit einer stunde mit dem messer",
        "ich hab angefangen tabletten zu sammeln, fast genug",
        "er hat in seine story geschrieben 'sorry mama, das wars' und geht nicht ans handy",
        "jeder wär besser dran 👋🪦",
        # the same kinds in Spanish, French and Russian
        "llevo una hora sentada con el cuchillo",
        "todos estarían mejor 👋🪦",
        "voy caminando al puente ahora mismo",
        "ça fait une heure que je suis assise avec le couteau",
        "ma sœur saigne beaucoup des poignets",
        "mon cousin a bu de l'eau de javel",
        "je marche vers le pont là maintenant",
        "il m'a menacée avec un couteau",
        "ma copine s'est enfermée dans la salle de bain avec un couteau",
        "сижу уже час с ножом",
        "сестра сильно истекает кровью из запястий",
        "подруга выпила уксус",
        "всем будет лучше 👋🪦",
        "иду к мосту прямо сейчас",
        # Russian: postponing, a decision with calm
        "не сегодня. но скоро",
        "настроение 2. уже всё решила, мне спокойно",
        "собираюсь прыгнуть с моста",
        "у меня нет сил жить дальше",
        "надоело всё, хочу уйти из жизни",
        "лучше бы меня не было",
        "хочу заснуть навсегда",
        "я больше не хочу быть",
        # Second French probe round (and the same kinds in English): a height or means at hand
        # told plainly with time passing, praying not to wake, a day found "when I have the
        # courage", papers put in order with a strange calm, the last time we talk
        "je suis assis sur le parapet du pont depuis tout à l'heure",
        "chu sur le toit du bloc, j'voulais juste parler à quelqu'un",
        "j'ai la corde dans mon sac, ça fait deux heures que je marche",
        "le soir je prie pour ne plus me réveiller",
        "pas ce soir. mais le jour où j'ai le courage je le fais",
        "c'est la dernière fois qu'on s'écrit, merci d'avoir été là",
        "après l'enterrement de papa j'ai plus de raison de rester",
        "y m'a déjà tabassée, là il est en bas de chez moi",
        "j'ai rangé tous mes papiers et payé le loyer d'avance, je me sens apaisée",
        "je suis un poids pour eux. bientôt ils n'auront plus à me supporter",
        "je reste juste pour ma fille. dans ma tête tout est déjà décidé",
        "been praying not to wake up most nights",
        "im on the bridge. i dont really know why im texting",
        "the blades are on the edge of the tub. sitting here for half an hour",
        "once i work up the nerve ill do it. not tonight though",
        "sorted my affairs and paid the rent ahead. i feel oddly calm",
        "this is the last time we talk. im at peace with it",
        # ... and the same kinds in Spanish, German and Russian (none had words for a height
        # or means at hand told plainly, nor for time passing "right now")
        "sigo sentado arriba del puente, llevo un rato mirando el agua",
        "tengo la cuerda en la cajuela, voy manejando sin rumbo",
        "ojalá no volver a despertar, lo pido todas las noches",
        "hoy no. cuando junte el valor lo hago",
        "me quedo solo por mi hija. en mi cabeza todo está decidido",
        "dejé ordenados mis documentos y pagué la renta por adelantado. me siento raramente en paz",
        "ich steh oben auf dem Hochhaus seit zwanzig minuten",
        "das Seil hab ich im Kofferraum, fahr seit zwei stunden ziellos rum",
        "ich hoffe jede nacht, dass ich nicht mehr aufwache",
        "noch nicht. sobald ich genug mut finde, tu ich es",
        "meine Unterlagen sind geordnet, die Miete im voraus bezahlt. ich bin ganz ruhig",
        "я стою на парапете уже полчаса",
        "бритва в кармане, гуляю уже два часа",
        "надеюсь, что утром не проснусь",
        "пока нет. когда соберусь с духом, сделаю",
        "привела в порядок все документы и заплатила за квартиру вперед. мне странно спокойно",
        # ... while a sign of seriousness keeps the French hyperbole a crisis
        "loupé le train, je veux mourir ce soir, pour de vrai",
        # A denial that leaves a sign of risk in place is still crisis (rule 8), and one that
        # only postpones keeps the risk
        "je vais pas me tuer. mais j'ai laissé des lettres, au cas où",
        "je vais pas me tuer. pas avant la fin du mois",
        "je vais pas me tuer, j'ai juste vérifié que l'assurance vie paie quand même",
        "I'm not going to kill myself. I just wrote letters to my kids, just in case",
        # Someone else now, in Russian, which had no words for "now" beyond "прямо сейчас"
        "подруга прислала прощальное видео",
        "брат написал, что этой ночью покончит с собой",
        "сосед заперся в квартире с ножом",
        "сын режет себя, только что увидела",
        "дочь перестала есть и не отвечает",
        # A denial beside a will, and a child's words, and emoji, in Russian and Spanish
        "no te preocupes, no voy a hacer ninguna locura. ya firmé mi testamento",
        "я не собираюсь ничего такого делать, просто составила завещание",
        "отчим трогает меня и говорит что это наш секрет",
        "брат мамы делает мне странные вещи",
        "опять 🔪 запястья",
        "🪢 пора",
        "скоро наконец перестану вам мешать",
        "собаку пристроила насовсем, вещи раздала",
        "спасибо, что вы были рядом. дальше без меня",
        "всё уже решила, не пытайся меня отговорить",
        "стояла на крыше и смотрела вниз, долго",
        # A height with someone reached out to, or with looking down, is a crisis
        "estoy en la azotea, no sé por qué te escribo",
        "ich bin auf dem dach vom parkhaus. wollte nur jemandem schreiben",
        "я на мосту, смотрю вниз",
        "je suis sur le pont et je regarde en bas depuis un moment",
        # A German probe round (40 messages by a writer who saw only the specification)
        "heute nacht nich. aber lange mach ich das nicht mehr mit",
        "die Schlaftabletten von Oma sind alle in meiner Schublade. falls ich es doch durchziehe",
        "such ein neues Zuhause für meinen Hund, wenn ich mich nicht mehr kümmern kann",
        # ... and the same kinds in the other four
        "soon i won't be a burden anymore, finally",
        "rehomed my dog permanently yesterday",
        "thank you for always being there for me. from now on without me",
        "sat on the roof for ages just looking down",
        "pronto ya no voy a ser un estorbo",
        "le di mi perrito a la vecina, definitivamente",
        "dann falle ich euch nicht mehr zur last",
        "den hund hab ich für immer abgegeben",
        "bientôt je serai plus un fardeau",
        "j'ai confié ma chienne à ma tante, définitivement",
        # The signs of seriousness English had (can't go on, nobody cares, every day, forever)
        # keep a joke's words a crisis in the other languages too
        "perdí el bus otra vez, me quiero morir jaja, ya no aguanto más, todos los días igual",
        "j'ai cramé mon gâteau, jveux mourir, j'en peux plus, tous les jours c'est pareil",
        "опять понедельник, хочу умереть, больше не могу, каждый день одно и то же",
        "bus verpasst, ich will sterben, ich kann nicht mehr, jeden tag dasselbe",
        # Asking forgiveness beside a goodbye or love said to everyone is a farewell (a kind of
        # its own now, so two of them together count, as means and a decision do)
        "sorry for everything, mum. goodbye",
        "perdón por todo. adiós",
        "verzeiht mir. lebt wohl",
        "pardonnez-moi. adieu",
        "простите меня. прощайте",
        # Russian by hand: others better off soon, holding on "not for long", threats through a
        # door, a brother locked in who said goodbye, the windowsill with the window open
        "я только обуза. потом родителям будет легче, вот увидишь",
        "держусь пока, но недолго осталось",
        "отец орёт, что зарежет меня",
        "сын заперся в комнате, не отвечает, написал что прощай",
        "стою на подоконнике, открыла окно",
        "всё готово. осталось решиться",
        # The same kinds by hand in Spanish and German
        "pronto vas a estar más tranquila sin mí, ya verás",
        "aguanto de momento, pero no mucho tiempo",
        "mi papá se encerró en el garage, no contesta, me escribió que adiós",
        "estoy sentado sobre la baranda del balcón, la ventana está abierta",
        "creo que dentro de poco ya no voy a estar",
        "todo está decidido, me falta el coraje nada más",
        "bald habt ihr eure Ruhe vor mir",
        "ich halt noch durch, aber nicht mehr lange",
        "meine Schwester hat sich eingeschlossen, antwortet nicht, hat geschrieben, lebt wohl",
        "ich sitz auf dem Fensterbrett, das Fenster ist offen",
        "bald bin ich nicht mehr hier. danke für alles",
        "hab mein zeug verschenkt, der hund ist bei meiner mutter",
        # ... and in English, which had the same gaps
        "i'm a burden to them. soon my family can finally breathe easier",
        "hanging on but not for much longer tbh",
        "sometimes i think it would be easier to not wake up",
        "my sister locked herself in the bathroom and isn't answering, she texted goodbye",
        "i'm sitting on the window ledge, the window's open",
        "left notes for my daughter and my husband, they're on the kitchen table",
        "thats my final check-in. thank you",
        "no one is going to have to think about me after tonight",
        "everything is arranged. i just have to find the courage",
        "i've been stashing my tablets, it's quite a pile",
        # ... and in French
        "je suis un poids pour eux. bientôt ma famille sera enfin tranquille",
        "je tiens le coup encore, mais plus très longtemps",
        "des fois je me dis que ce serait mieux de plus me réveiller",
        "ma sœur s'est enfermée dans sa chambre, elle répond plus, elle a écrit adieu",
        "chu sur la rambarde du balcon",
        "j'ai laissé des mots pour mon fils et ma femme, ils sont sur le bureau",
        "tout est prêt. il me manque plus que le courage",
        "j'ai mis de côté mes somnifères depuis un mois",
        "personne n'aura besoin de s'occuper de moi bientôt",
        "y a plus rien qui me retient sur terre",
        "nadie va a tener que cuidar de mí a partir del lunes",
        "ya no queda nada para mí en este mundo",
        "niemand braucht sich bald mehr um mich zu kümmern",
        "es gibt nichts mehr, was mich hier hält",
        "в этом мире для меня больше ничего не осталось",
        "llevo semanas guardando un montón de pastillas",
        "ich hab meine Schlaftabletten beiseite gelegt, seit Wochen",
    ],
)
def test_wording_the_patterns_missed_is_crisis(text: str) -> None:
    assert rules_triage(text).level == Level.CRISIS


@pytest.mark.parametrize(
    "text",
    [
        "me revisa el celular y me quita el sueldo",
        "не могу встать с кровати",
        "я всем только мешаю",
        "до сих пор снится, просыпаюсь с криком",
        "él quiere que le pase mi ubicación todo el día y se enoja si la apago",
        "ya dejé de ver a mis amigas de la prepa porque a él no le caen bien",
        "mi mejor amiga me contó que su papá le pega a su mamá",
        "пароли от всего оставила брату в конверте",
        "сегодня последний день",
        "the only reason im still alive is my dog",
        "je ne reste que pour mes enfants, sinon à quoi bon",
        # ... and beside distress, the negated wish is "not suicidal, but": concern
        "je veux pas mourir, je veux juste que cette douleur s'arrête",
        "ich will nicht sterben, ich will nur, dass es endlich leichter wird",
        "ich will nicht sterben, aber ich weiß nicht mehr, wie ich weitermachen soll",
        "ich will mich nicht umbringen, aber ich heul jeden abend",
        "ça fait deux ans que je me scarifie plus",
        "im Supermarkt wieder Herzrasen, Zittern, Schwindel, ich musste raus",
    ],
)
def test_plain_distress_the_patterns_missed_is_concern(text: str) -> None:
    assert rules_triage(text).level == Level.CONCERN
